package dev.mailwright.smtp.spoof;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;

import dev.mailwright.smtp.dmarc.DmarcEvaluator;
import dev.mailwright.smtp.dmarc.MessageAuthentication;
import dev.mailwright.smtp.dmarc.MessageAuthenticator;
import dev.mailwright.smtp.policy.Decision;
import dev.mailwright.smtp.policy.Policy;
import dev.mailwright.smtp.policy.Sessions;
import dev.mailwright.smtp.policy.Settings;
import dev.mailwright.smtp.policy.Verdict;

/**
 * Anti-spoofing of our own domains, at the end of DATA: a message from a client that is not ours (not authenticated,
 * not allowed to relay) whose envelope sender or From address is in one of our local domains is refused unless that
 * domain passes DMARC's test (an SPF pass or a valid DKIM signature for an aligned domain), whether or not we
 * publish a DMARC record. Our users send through submission, authenticated; a stranger using our domain is a forger
 * (or a forwarder that broke authentication). Refusal: {@code 550 5.7.1}.
 */
public class LocalSenderSpoofingHook implements JamesMessageHook {
    private final DomainList domains;
    private final MessageAuthenticator authenticator;
    private final Policy policy;

    @Inject
    public LocalSenderSpoofingHook(DomainList domains, MessageAuthenticator authenticator, MetricFactory metricFactory) {
        this.domains = domains;
        this.authenticator = authenticator;
        this.policy = new Policy("spoofing", metricFactory);
    }

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        policy.configure(new Settings(getClass().getSimpleName(), configuration));
    }

    /** A sender identity of the message in one of our domains: {@code envelope sender} or {@code From address}. */
    private record LocalIdentity(String kind, String domain) {
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        if (Sessions.isTrusted(session)) {
            return HookResult.DECLINED;
        }
        List<LocalIdentity> identities = localIdentities(session, mail);
        if (identities.isEmpty()) {
            return HookResult.DECLINED;
        }
        MessageAuthentication authentication = authenticator.authenticate(session, mail);
        for (LocalIdentity identity : identities) {
            if (!DmarcEvaluator.authenticated(identity.domain(), authentication.spf(), authentication.dkim())) {
                Verdict verdict = Verdict.reject("550", "5.7.1", "Message rejected: its " + identity.kind() + " is in our domain "
                    + identity.domain() + " but it is not authenticated for it; our users send through submission with AUTH");
                return policy.apply(session, Decision.of(verdict).envelope(mail).result("forged")
                    .details("domain=" + identity.domain() + " identity=" + identity.kind().replace(' ', '-')));
            }
        }
        return policy.apply(session, Decision.of(Verdict.accept()).envelope(mail).result("authenticated"));
    }

    private List<LocalIdentity> localIdentities(SMTPSession session, Mail mail) {
        Map<String, Boolean> local = new HashMap<>();
        Predicate<String> isLocal = domain -> local.computeIfAbsent(domain, this::isLocal);
        List<LocalIdentity> identities = new ArrayList<>();
        mail.getMaybeSender().asOptional()
            .map(sender -> sender.getDomain().asString().toLowerCase(Locale.ROOT))
            .filter(isLocal)
            .ifPresent(domain -> identities.add(new LocalIdentity("envelope sender", domain)));
        authorDomains(session, mail).stream()
            .filter(isLocal)
            .forEach(domain -> identities.add(new LocalIdentity("From address", domain)));
        return identities;
    }

    /** The From domains, as already found by the DMARC check when it ran before. */
    private static List<String> authorDomains(SMTPSession session, Mail mail) {
        return MessageAuthentication.of(session).map(MessageAuthentication::fromDomains).orElseGet(() -> {
            try {
                return MessageAuthenticator.fromDomains(mail.getMessage());
            } catch (MessagingException e) {
                return List.of(); // unreadable header: the envelope is still judged
            }
        });
    }

    private boolean isLocal(String domain) {
        try {
            return domains.containsDomain(Domain.of(domain));
        } catch (DomainListException | IllegalArgumentException e) {
            return false;
        }
    }
}
