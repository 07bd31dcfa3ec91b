package dev.mailwright.smtp.filter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.common.filter.FilterServices;
import dev.mailwright.common.filter.RspamdClient;
import dev.mailwright.common.filter.RspamdClient.Action;
import dev.mailwright.common.filter.ScanUnavailable;
import dev.mailwright.smtp.policy.Decision;
import dev.mailwright.smtp.policy.Policy;
import dev.mailwright.smtp.policy.PolicyMode;
import dev.mailwright.smtp.policy.Sessions;
import dev.mailwright.smtp.policy.Settings;
import dev.mailwright.smtp.policy.Verdict;

/**
 * Spam filtering with rspamd at the end of DATA: the message goes to rspamd's {@code /checkv2} with the SMTP facts
 * (client address, HELO, envelope, authenticated user, queue id; our {@code Authentication-Results} is in the
 * message), and rspamd's action is applied within the SMTP dialogue:
 *
 * <ul>
 *   <li>{@code reject}: {@code 550 5.7.1} with rspamd's reason;</li>
 *   <li>{@code soft reject}, {@code greylist}: {@code 451 4.7.1};</li>
 *   <li>{@code add header}, {@code rewrite subject}: accepted with the mail attribute {@value #SPAM_ATTRIBUTE}, which
 *       {@code conf/mailetcontainer.xml} turns into delivery to the recipient's Junk folder;</li>
 *   <li>{@code no action}: accepted.</li>
 * </ul>
 * Every scanned message gets {@code X-Spam-Flag}, {@code X-Spam-Score}, {@code X-Spam-Action} and
 * {@code X-Spam-Symbols} (such fields arriving with the message are removed first).
 *
 * <p>Mail of our own users (authenticated, or from an address allowed to relay) is scanned for outgoing spam of a
 * compromised account: rspamd's {@code reject} does what {@code <submissionAction>} says (reject, tempfail or
 * accept); its softer actions never refuse their mail.
 *
 * <p>rspamd down or slower than {@code timeout}: accepted with {@code X-Mailwright-Scan: rspamd=not-scanned} (or
 * {@code 451} with {@code <onFailure>tempfail</onFailure>}), and rspamd is not asked again for {@code retryAfter}.
 */
public class RspamdHook implements JamesMessageHook {
    public static final String FILTER = "rspamd";
    public static final String SPAM_ATTRIBUTE = "dev.mailwright.spam";
    static final List<String> SPAM_HEADERS = List.of("X-Spam-Flag", "X-Spam-Score", "X-Spam-Action", "X-Spam-Symbols",
        "X-Spam-Status", "X-Spam");
    private static final Logger LOGGER = LoggerFactory.getLogger(RspamdHook.class);

    enum SubmissionAction { REJECT, TEMPFAIL, ACCEPT }

    private final FilterServices services;
    private final Policy policy;
    private Optional<RspamdClient> client = Optional.empty();
    private ScanSettings scan;
    private SubmissionAction submissionAction = SubmissionAction.REJECT;

    @Inject
    public RspamdHook(FilterServices services, MetricFactory metricFactory) {
        this.services = services;
        this.policy = new Policy(FILTER, metricFactory);
    }

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        Settings settings = new Settings(getClass().getSimpleName(), configuration);
        policy.configure(settings);
        scan = ScanSettings.read(settings, Duration.ofSeconds(5));
        String action = settings.string("submissionAction").orElse("reject").toUpperCase(Locale.ROOT);
        try {
            submissionAction = SubmissionAction.valueOf(action);
        } catch (IllegalArgumentException e) {
            throw settings.problem("submissionAction", "must be reject, tempfail or accept, not '" + action.toLowerCase(Locale.ROOT) + "'");
        }
        Optional<String> url = settings.string("rspamdUrl");
        if (url.isEmpty()) {
            LOGGER.info("rspamd spam filtering is off: no <rspamdUrl> in the RspamdHook configuration");
            return;
        }
        URI scanner;
        try {
            scanner = URI.create(url.get());
            if (!"http".equals(scanner.getScheme()) && !"https".equals(scanner.getScheme()) || scanner.getHost() == null) {
                throw new IllegalArgumentException("not an http:// URL");
            }
        } catch (IllegalArgumentException e) {
            throw settings.problem("rspamdUrl", "'" + url.get() + "' is not an http:// URL (e.g. http://127.0.0.1:11333)");
        }
        RspamdClient rspamd = new RspamdClient(scanner, Optional.empty(), Optional.empty(), scan.timeout());
        client = Optional.of(rspamd);
        services.register(FILTER, scanner.toString(), rspamd::ping);
        LOGGER.info("rspamd spam filtering with {} (mode {}, timeout {} ms, on failure: {}, own users' spam: {})",
            scanner, policy.mode().label(), scan.timeout().toMillis(), scan.onFailure().name().toLowerCase(Locale.ROOT),
            submissionAction.name().toLowerCase(Locale.ROOT));
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        if (client.isEmpty()) {
            return HookResult.DECLINED;
        }
        ScanHeader.removeForged(mail, FILTER);
        removeForgedSpamHeaders(mail);
        byte[] message;
        try {
            if (mail.getMessageSize() > scan.maxSize()) {
                ScanHeader.write(mail, FILTER, "not-scanned", "larger than " + scan.maxSize() / 1024 + " KiB");
                return HookResult.DECLINED;
            }
            message = bytes(mail);
        } catch (MessagingException | IOException e) {
            return unavailable(session, mail, "cannot read the message: " + e.getMessage());
        }
        Optional<FilterServices.Failure> paused = services.paused(FILTER);
        if (paused.isPresent()) {
            return unavailable(session, mail, paused.get().reason());
        }
        RspamdClient.Verdict verdict;
        try {
            verdict = client.get().check(envelope(session, mail), message);
        } catch (ScanUnavailable e) {
            services.failed(FILTER, e.getMessage(), scan.retryAfter());
            LOGGER.warn("Spam scan of {} failed: {} (rspamd is not asked again for {} s)", mail.getName(), e.getMessage(), scan.retryAfter().toSeconds());
            return unavailable(session, mail, e.getMessage());
        }
        services.succeeded(FILTER);
        return apply(session, mail, verdict);
    }

    /** Applies rspamd's answer: the reply, the headers, the Junk attribute. */
    HookResult apply(SMTPSession session, Mail mail, RspamdClient.Verdict verdict) {
        boolean ours = Sessions.isTrusted(session);
        Action action = verdict.action();
        boolean junk = action == Action.ADD_HEADER || action == Action.REWRITE_SUBJECT;
        String reason = verdict.message().isBlank() ? "Spam message rejected" : ScanHeader.sanitize(verdict.message());
        Verdict decided = switch (action) {
            case REJECT -> ours ? forOwnUser(reason) : Verdict.reject("550", "5.7.1", reason);
            case SOFT_REJECT, GREYLIST -> ours ? Verdict.accept()
                : Verdict.tempFail("451", "4.7.1", (verdict.message().isBlank() ? "Try again later" : reason));
            default -> Verdict.accept();
        };
        Decision decision = Decision.of(decided).envelope(mail).result(action.label())
            .details(String.format(Locale.ROOT, "score=%.2f required=%.2f symbols=[%s]%s", verdict.score(),
                verdict.requiredScore(), verdict.topSymbols(8).replace(' ', '_').replace(",_", ","), ours ? " own-user=yes" : ""));
        Verdict applied = policy.decide(session, decision, junk || action == Action.REJECT);
        if (!applied.accepted()) {
            return applied.toHookResult();
        }
        writeSpamHeaders(mail, verdict);
        if (policy.mode() == PolicyMode.ENFORCE) {
            if (action == Action.REWRITE_SUBJECT && !verdict.subject().isBlank()) {
                rewriteSubject(mail, verdict.subject());
            }
            if (junk) {
                mail.setAttribute(new Attribute(AttributeName.of(SPAM_ATTRIBUTE), AttributeValue.of(action.label())));
            }
        }
        return HookResult.DECLINED;
    }

    private Verdict forOwnUser(String reason) {
        String text = "Message rejected as spam (" + reason + "); if this is a mistake, contact your postmaster";
        return switch (submissionAction) {
            case REJECT -> Verdict.reject("550", "5.7.1", text);
            case TEMPFAIL -> Verdict.tempFail("451", "4.7.1", text);
            case ACCEPT -> Verdict.accept();
        };
    }

    private HookResult unavailable(SMTPSession session, Mail mail, String reason) {
        Verdict applied = policy.decide(session, Decision.of(scan.unavailable("spam")).envelope(mail).result("not-scanned")
            .details("reason=\"" + ScanHeader.sanitize(reason) + "\""), true);
        if (!applied.accepted()) {
            return applied.toHookResult();
        }
        ScanHeader.write(mail, FILTER, "not-scanned", reason);
        return HookResult.DECLINED;
    }

    private static RspamdClient.Envelope envelope(SMTPSession session, Mail mail) {
        return new RspamdClient.Envelope(
            Sessions.clientIp(session),
            Sessions.helo(session).orElse(null),
            mail.getMaybeSender().asString(""),
            mail.getRecipients().stream().map(MailAddress::asString).toList(),
            session.getUsername() == null ? null : session.getUsername().asString(),
            mail.getName(),
            Sessions.serverName(session));
    }

    private static byte[] bytes(Mail mail) throws MessagingException, IOException {
        long size = mail.getMessageSize();
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(size, 1024), Integer.MAX_VALUE - 8));
        mail.getMessage().writeTo(out);
        return out.toByteArray();
    }

    static void removeForgedSpamHeaders(Mail mail) {
        try {
            MimeMessage message = mail.getMessage();
            for (String header : SPAM_HEADERS) {
                if (message.getHeader(header) != null) {
                    message.removeHeader(header);
                }
            }
        } catch (MessagingException e) {
            LOGGER.warn("Could not remove X-Spam fields from {}: {}", mail.getName(), e.getMessage());
        }
    }

    private static void writeSpamHeaders(Mail mail, RspamdClient.Verdict verdict) {
        try {
            MimeMessage message = mail.getMessage();
            boolean spam = verdict.action().compareTo(Action.ADD_HEADER) >= 0;
            message.addHeader("X-Spam-Flag", spam ? "YES" : "NO");
            message.addHeader("X-Spam-Score", String.format(Locale.ROOT, "%.2f / %.2f", verdict.score(), verdict.requiredScore()));
            message.addHeader("X-Spam-Action", verdict.action().wire());
            String symbols = verdict.topSymbols(20);
            if (!symbols.isEmpty()) {
                message.addHeader("X-Spam-Symbols", ScanHeader.sanitize(symbols));
            }
        } catch (MessagingException e) {
            LOGGER.warn("Could not add X-Spam fields to {}: {}", mail.getName(), e.getMessage());
        }
    }

    private static void rewriteSubject(Mail mail, String subject) {
        try {
            mail.getMessage().setSubject(subject, "UTF-8");
        } catch (MessagingException e) {
            LOGGER.warn("Could not rewrite the subject of {}: {}", mail.getName(), e.getMessage());
        }
    }
}
