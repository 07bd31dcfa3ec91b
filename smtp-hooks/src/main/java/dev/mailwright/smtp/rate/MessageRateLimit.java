package dev.mailwright.smtp.rate;

import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.RcptHook;

import dev.mailwright.smtp.policy.Decision;
import dev.mailwright.smtp.policy.LocalCounters;
import dev.mailwright.smtp.policy.NetworkList;
import dev.mailwright.smtp.policy.Policy;
import dev.mailwright.smtp.policy.Sessions;
import dev.mailwright.smtp.policy.Settings;
import dev.mailwright.smtp.policy.Verdict;

/**
 * Messages and recipients per window, counted at MAIL FROM (messages) and RCPT TO (recipients):
 * <ul>
 *   <li>{@code messagesPerClient}: per client address (IPv6: per /64);</li>
 *   <li>{@code messagesPerSender}: per envelope sender address (not the null sender, which all bounces share);</li>
 *   <li>{@code messagesPerUser}, {@code recipientsPerUser}: per authenticated user (submission).</li>
 * </ul>
 * Over a limit: {@code 451 4.7.1 Too many ... try again in N seconds}; the client keeps its queue and retries. Every
 * attempt counts, refused ones included, and a window ends at a fixed time. {@code <exemptNetworks>} and
 * {@code <exemptUsers>} are never limited.
 */
public class MessageRateLimit implements MailHook, RcptHook {
    private static final String CLIENT = "rate-client-messages";
    private static final String SENDER = "rate-sender-messages";
    private static final String USER = "rate-user-messages";
    private static final String USER_RECIPIENTS = "rate-user-recipients";

    private final LocalCounters counters;
    private final Policy policy;
    private Optional<RateLimit> perClient = Optional.empty();
    private Optional<RateLimit> perSender = Optional.empty();
    private Optional<RateLimit> perUser = Optional.empty();
    private Optional<RateLimit> recipientsPerUser = Optional.empty();
    private NetworkList exemptNetworks = NetworkList.empty();
    private Set<String> exemptUsers = Set.of();

    @Inject
    public MessageRateLimit(LocalCounters counters, MetricFactory metricFactory) {
        this.counters = counters;
        this.policy = new Policy("rate-messages", metricFactory);
    }

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        Settings settings = new Settings(getClass().getSimpleName(), configuration);
        policy.configure(settings);
        perClient = RateLimit.read(settings, "messagesPerClient");
        perSender = RateLimit.read(settings, "messagesPerSender");
        perUser = RateLimit.read(settings, "messagesPerUser");
        recipientsPerUser = RateLimit.read(settings, "recipientsPerUser");
        exemptNetworks = settings.networks("exemptNetworks");
        exemptUsers = Set.copyOf(settings.list("exemptUsers").stream().map(u -> u.toLowerCase(java.util.Locale.ROOT)).toList());
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        if (exempt(session)) {
            return HookResult.DECLINED;
        }
        String client = ClientKey.of(Sessions.clientAddress(session));
        Refusal refusal = check(perClient, CLIENT, client, "messages from " + client)
            .or(() -> sender.asOptional()
                .flatMap(address -> check(perSender, SENDER, address.asString().toLowerCase(java.util.Locale.ROOT),
                    "messages from sender " + address.asString())))
            .or(() -> user(session).flatMap(user -> check(perUser, USER, user, "messages from user " + user)))
            .orElse(null);
        if (refusal == null) {
            return HookResult.DECLINED;
        }
        return policy.apply(session, Decision.of(tempFail(refusal.text())).sender(sender.asString("")).result("over-limit")
            .details("limit=" + refusal.limit()));
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress recipient) {
        if (recipientsPerUser.isEmpty() || exempt(session)) {
            return HookResult.DECLINED;
        }
        Optional<Refusal> refusal = user(session)
            .flatMap(user -> check(recipientsPerUser, USER_RECIPIENTS, user, "recipients from user " + user));
        if (refusal.isEmpty()) {
            return HookResult.DECLINED;
        }
        return policy.apply(session, Decision.of(tempFail(refusal.get().text())).sender(sender.asString(""))
            .recipient(recipient.asString()).result("over-limit").details("limit=" + refusal.get().limit()));
    }

    private boolean exempt(SMTPSession session) {
        return exemptNetworks.contains(Sessions.clientAddress(session))
            || user(session).filter(exemptUsers::contains).isPresent();
    }

    private static Optional<String> user(SMTPSession session) {
        return Optional.ofNullable(session.getUsername()).map(user -> user.asString().toLowerCase(java.util.Locale.ROOT));
    }

    /** A limit that was exceeded, and the reply text. */
    private record Refusal(String limit, String text) {
    }

    /** Counts one event; over the limit, the refusal. */
    private Optional<Refusal> check(Optional<RateLimit> limit, String namespace, String key, String what) {
        if (limit.isEmpty()) {
            return Optional.empty();
        }
        RateLimit rate = limit.get();
        long count = counters.hit(namespace, key, rate.window());
        if (count <= rate.max()) {
            return Optional.empty();
        }
        long wait = counters.endOf(namespace, key).map(counters::secondsUntil).orElse(rate.window().toSeconds());
        return Optional.of(new Refusal(namespace, "Too many " + what + " (limit " + rate.describe() + "), try again in "
            + wait + " seconds"));
    }

    private static Verdict tempFail(String text) {
        return Verdict.tempFail("451", "4.7.1", text);
    }
}
