package dev.mailwright.smtp.filter;

import java.time.Duration;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.common.filter.ClamdClient;
import dev.mailwright.common.filter.FilterServices;
import dev.mailwright.common.filter.ScanUnavailable;
import dev.mailwright.smtp.policy.Decision;
import dev.mailwright.smtp.policy.Policy;
import dev.mailwright.smtp.policy.Settings;
import dev.mailwright.smtp.policy.Verdict;

/**
 * Virus scan at the end of DATA: the whole message goes to clamd (its stream scan; clamd decodes the MIME parts and
 * attachments itself). A virus: {@code 554 5.7.1 Message rejected: virus found: SIGNATURE}. clamd down or slower
 * than {@code timeout}: accepted with {@code X-Mailwright-Scan: clamav=not-scanned} (or {@code 451 4.7.1} with
 * {@code <onFailure>tempfail</onFailure>}). No {@code <clamdAddress>}: the hook does nothing (said once in the log).
 *
 * <p>James 3.8.1 runs this hook on a network thread: the scan's deadline bounds how long that thread waits, and a
 * failed clamd is not asked again for {@code retryAfter}, so that an outage costs each message nothing.
 */
public class ClamAvHook implements JamesMessageHook {
    public static final String FILTER = "clamav";
    private static final Logger LOGGER = LoggerFactory.getLogger(ClamAvHook.class);

    private final FilterServices services;
    private final Policy policy;
    private Optional<ClamdClient> client = Optional.empty();
    private ScanSettings scan;

    @Inject
    public ClamAvHook(FilterServices services, MetricFactory metricFactory) {
        this.services = services;
        this.policy = new Policy(FILTER, metricFactory);
    }

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        Settings settings = new Settings(getClass().getSimpleName(), configuration);
        policy.configure(settings);
        scan = ScanSettings.read(settings, Duration.ofSeconds(10));
        Optional<String> address = settings.string("clamdAddress");
        if (address.isEmpty()) {
            LOGGER.info("ClamAV virus scanning is off: no <clamdAddress> in the ClamAvHook configuration");
            return;
        }
        try {
            ClamdClient clamd = new ClamdClient(address.get(), scan.timeout());
            client = Optional.of(clamd);
            services.register(FILTER, clamd.address(), clamd::ping);
            LOGGER.info("ClamAV virus scanning with clamd at {} (mode {}, timeout {} ms, on failure: {})",
                clamd.address(), policy.mode().label(), scan.timeout().toMillis(), scan.onFailure().name().toLowerCase());
        } catch (IllegalArgumentException e) {
            throw settings.problem("clamdAddress", e.getMessage());
        }
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        if (client.isEmpty()) {
            return HookResult.DECLINED;
        }
        ScanHeader.removeForged(mail, FILTER);
        long size = messageSize(mail);
        if (size > scan.maxSize()) {
            ScanHeader.write(mail, FILTER, "not-scanned", "larger than " + scan.maxSize() / 1024 + " KiB");
            return HookResult.DECLINED;
        }
        Optional<FilterServices.Failure> paused = services.paused(FILTER);
        if (paused.isPresent()) {
            return unavailable(session, mail, paused.get().reason());
        }
        ClamdClient.Result result;
        try {
            result = client.get().scan(out -> {
                try {
                    mail.getMessage().writeTo(out);
                } catch (MessagingException e) {
                    throw new java.io.IOException("cannot read the message: " + e.getMessage(), e);
                }
            });
        } catch (ScanUnavailable e) {
            services.failed(FILTER, e.getMessage(), scan.retryAfter());
            LOGGER.warn("Virus scan of {} failed: {} (clamd is not asked again for {} s)", mail.getName(), e.getMessage(), scan.retryAfter().toSeconds());
            return unavailable(session, mail, e.getMessage());
        }
        services.succeeded(FILTER);
        if (result.infected()) {
            Verdict verdict = Verdict.reject("554", "5.7.1", "Message rejected: virus found: " + ScanHeader.sanitize(result.signature()));
            return policy.apply(session, Decision.of(verdict).envelope(mail).result("virus")
                .details("signature=" + ScanHeader.sanitize(result.signature()).replace(' ', '_')));
        }
        policy.decide(session, Decision.of(Verdict.accept()).envelope(mail).result("clean"));
        ScanHeader.write(mail, FILTER, "clean", null);
        return HookResult.DECLINED;
    }

    private HookResult unavailable(SMTPSession session, Mail mail, String reason) {
        Verdict verdict = scan.unavailable("viruses");
        Verdict applied = policy.decide(session, Decision.of(verdict).envelope(mail).result("not-scanned")
            .details("reason=\"" + ScanHeader.sanitize(reason) + "\""), true);
        if (!applied.accepted()) {
            return applied.toHookResult();
        }
        ScanHeader.write(mail, FILTER, "not-scanned", reason);
        return HookResult.DECLINED;
    }

    private static long messageSize(Mail mail) {
        try {
            return mail.getMessageSize();
        } catch (MessagingException e) {
            return 0;
        }
    }
}
