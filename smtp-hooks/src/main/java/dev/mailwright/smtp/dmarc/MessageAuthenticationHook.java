package dev.mailwright.smtp.dmarc;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
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

import dev.mailwright.smtp.dmarc.DmarcRecord.Disposition;
import dev.mailwright.smtp.policy.Decision;
import dev.mailwright.smtp.policy.HeaderEdit;
import dev.mailwright.smtp.policy.Policy;
import dev.mailwright.smtp.policy.PolicyMode;
import dev.mailwright.smtp.policy.Sessions;
import dev.mailwright.smtp.policy.Settings;
import dev.mailwright.smtp.policy.Verdict;

/**
 * DKIM verification and DMARC at the end of DATA (RFC 6376, RFC 7489), and the {@code Authentication-Results} header
 * (RFC 8601) of every message accepted from outside.
 *
 * <ol>
 *   <li>Any {@code Authentication-Results} field naming this server (its {@code helloName}) is removed: only we
 *       write those, whoever sends the message (RFC 8601 section 5).</li>
 *   <li>For a client that is not ours (not authenticated, not allowed to relay): every DKIM signature is verified,
 *       the DMARC policy of each From domain evaluated, and the results written in one header field.</li>
 *   <li>DMARC {@code fail} with disposition {@code reject}: {@code 550 5.7.1}. With {@code quarantine}: accepted, with
 *       the mail attribute {@value #QUARANTINE_ATTRIBUTE} (the From domain), which {@code conf/mailetcontainer.xml}
 *       turns into delivery to the recipient's Junk folder.</li>
 * </ol>
 */
public class MessageAuthenticationHook implements JamesMessageHook {
    public static final String QUARANTINE_ATTRIBUTE = "dev.mailwright.dmarc.quarantine";
    private static final Logger LOGGER = LoggerFactory.getLogger(MessageAuthenticationHook.class);

    private final MessageAuthenticator authenticator;
    private final Policy policy;

    @Inject
    public MessageAuthenticationHook(MessageAuthenticator authenticator, MetricFactory metricFactory) {
        this.authenticator = authenticator;
        this.policy = new Policy("dmarc", metricFactory);
    }

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        policy.configure(new Settings(getClass().getSimpleName(), configuration));
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        String authservId = Sessions.serverName(session);
        if (Sessions.isTrusted(session)) {
            removeForgedResults(mail, authservId);
            return HookResult.DECLINED;
        }
        MessageAuthentication authentication = authenticator.authenticate(session, mail);
        DmarcResult decisive = authentication.decisive().orElseThrow();
        Verdict verdict = decisive.disposition() == Disposition.REJECT
            ? Verdict.reject("550", "5.7.1", "Message rejected: the DMARC policy of " + decisive.fromDomain()
                + " does not allow mail that fails SPF and DKIM authentication")
            : Verdict.accept();
        boolean quarantine = decisive.disposition() == Disposition.QUARANTINE;
        Decision decision = Decision.of(verdict)
            .envelope(mail)
            .result(decisive.result().label())
            .details("domain=" + (decisive.fromDomain().isEmpty() ? "-" : decisive.fromDomain())
                + " policy=" + decisive.requested().label() + " disposition=" + decisive.disposition().label()
                + " dkim=" + authentication.dkim().stream().map(s -> s.result().label() + (s.domain().isEmpty() ? "" : ":" + s.domain())).toList()
                + " spf=" + authentication.spf().map(s -> s.result().label()).orElse("-"));
        Verdict applied = policy.decide(session, decision, quarantine);
        if (!applied.accepted()) {
            return applied.toHookResult();
        }
        removeForgedResults(mail, authservId);
        try {
            HeaderEdit.prepend(mail.getMessage(), AuthenticationResults.HEADER,
                AuthenticationResults.value(authservId, authentication, policy.mode() == PolicyMode.REPORT));
        } catch (MessagingException e) {
            LOGGER.warn("Could not add {} to {}: {}", AuthenticationResults.HEADER, mail.getName(), e.getMessage());
        }
        if (quarantine && policy.mode() == PolicyMode.ENFORCE) {
            mail.setAttribute(new Attribute(AttributeName.of(QUARANTINE_ATTRIBUTE), AttributeValue.of(decisive.fromDomain())));
        }
        return HookResult.DECLINED;
    }

    private static void removeForgedResults(Mail mail, String authservId) {
        try {
            int removed = HeaderEdit.removeMatching(mail.getMessage(), AuthenticationResults.HEADER,
                value -> AuthenticationResults.claims(value, authservId));
            if (removed > 0) {
                LOGGER.info("Removed {} forged {} field(s) naming {} from {}", removed, AuthenticationResults.HEADER, authservId, mail.getName());
            }
        } catch (MessagingException e) {
            LOGGER.warn("Could not check {} of {}: {}", AuthenticationResults.HEADER, mail.getName(), e.getMessage());
        }
    }
}
