package dev.mailwright.smtp.spf;

import java.time.Duration;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailHook;

import dev.mailwright.common.dns.DnsLookup;
import dev.mailwright.smtp.policy.Decision;
import dev.mailwright.smtp.policy.Policy;
import dev.mailwright.smtp.policy.Sessions;
import dev.mailwright.smtp.policy.Settings;
import dev.mailwright.smtp.policy.Verdict;

/**
 * SPF at MAIL FROM (RFC 7208): is the client allowed to send for the envelope sender's domain (for a null sender,
 * for its HELO name)? {@code fail} is refused with {@code 550 5.7.23}, a temporary DNS error with {@code 451 4.7.24}
 * (RFC 7372); {@code softfail}, {@code neutral} and {@code none} are accepted; {@code permerror} (a broken record) is
 * accepted unless {@code rejectPermError}. Every result is kept for DMARC and the Authentication-Results header.
 * Authenticated clients and clients allowed to relay are not checked: they are ours.
 */
public class SpfHook implements MailHook {
    static final Duration DEFAULT_BUDGET = Duration.ofSeconds(10);

    private final DnsLookup dns;
    private final Policy policy;
    private SpfChecker checker;
    private boolean rejectPermError;

    @Inject
    public SpfHook(DnsLookup dns, MetricFactory metricFactory) {
        this.dns = dns;
        this.policy = new Policy("spf", metricFactory);
        this.checker = new SpfChecker(dns, DEFAULT_BUDGET);
    }

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        Settings settings = new Settings(getClass().getSimpleName(), configuration);
        policy.configure(settings);
        rejectPermError = settings.bool("rejectPermError", false);
        checker = new SpfChecker(dns, settings.duration("timeout", DEFAULT_BUDGET));
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        if (Sessions.isTrusted(session)) {
            return HookResult.DECLINED;
        }
        String helo = Sessions.helo(session).orElse("");
        String mailFrom = sender.isNullSender() ? "" : sender.asString();
        if (mailFrom.isEmpty() && helo.isEmpty()) {
            return HookResult.DECLINED;
        }
        String ip = Sessions.clientIp(session);
        SpfOutcome outcome = checker.check(ip, mailFrom, helo);
        outcome.store(session);
        Decision decision = Decision.of(verdict(outcome, ip))
            .sender(sender.asString(""))
            .result(outcome.result().label())
            .details("identity=" + outcome.identity() + " domain=" + outcome.domain());
        return policy.apply(session, decision);
    }

    private Verdict verdict(SpfOutcome outcome, String ip) {
        return switch (outcome.result()) {
            case FAIL -> Verdict.reject("550", "5.7.23", "SPF check failed: " + outcome.domain()
                + " does not designate " + ip + " as permitted sender"
                + (outcome.explanation().isEmpty() ? "" : " (" + outcome.explanation() + ")"));
            case TEMPERROR -> Verdict.tempFail("451", "4.7.24",
                "Temporary SPF validation error for " + outcome.domain() + ", please try again later");
            case PERMERROR -> rejectPermError
                ? Verdict.reject("550", "5.7.24", "SPF record of " + outcome.domain() + " is invalid")
                : Verdict.accept();
            default -> Verdict.accept();
        };
    }
}
