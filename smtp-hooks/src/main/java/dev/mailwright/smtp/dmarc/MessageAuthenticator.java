package dev.mailwright.smtp.dmarc;

import java.io.IOException;
import java.io.InputStream;
import java.net.IDN;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import javax.inject.Inject;
import javax.inject.Singleton;
import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.server.core.MimeMessageInputStream;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.common.dns.DnsLookup;
import dev.mailwright.smtp.dkim.DkimResult;
import dev.mailwright.smtp.dkim.DkimVerifier;
import dev.mailwright.smtp.dmarc.DmarcResult.Result;
import dev.mailwright.smtp.spf.SpfOutcome;

/**
 * Authenticates the message of the current transaction once (DKIM verification of the received bytes, DMARC of its
 * From domains) and keeps the result in the session for every hook that needs it.
 */
@Singleton
public class MessageAuthenticator {
    private static final Logger LOGGER = LoggerFactory.getLogger(MessageAuthenticator.class);
    static final int MAX_AUTHOR_DOMAINS = 5;

    private final DkimVerifier dkim;
    private final DmarcEvaluator dmarc;

    @Inject
    public MessageAuthenticator(DnsLookup dns) {
        this(new DkimVerifier(dns), new DmarcEvaluator(dns, () -> ThreadLocalRandom.current().nextDouble()));
    }

    MessageAuthenticator(DkimVerifier dkim, DmarcEvaluator dmarc) {
        this.dkim = dkim;
        this.dmarc = dmarc;
    }

    public MessageAuthentication authenticate(SMTPSession session, Mail mail) {
        Optional<MessageAuthentication> known = MessageAuthentication.of(session);
        if (known.isPresent()) {
            return known.get();
        }
        Optional<SpfOutcome> spf = SpfOutcome.of(session);
        List<DkimResult> signatures = List.of();
        List<String> fromDomains = List.of();
        try {
            MimeMessage message = mail.getMessage();
            fromDomains = fromDomains(message);
            if (message.getHeader("DKIM-Signature") != null) {
                try (InputStream raw = new MimeMessageInputStream(message)) {
                    signatures = dkim.verify(raw);
                }
            }
        } catch (MessagingException | IOException e) {
            LOGGER.warn("Could not read {} for DKIM verification: {}", mail.getName(), e.getMessage());
            signatures = List.of(new DkimResult(DkimResult.Result.TEMPERROR, "", "", "", "message unreadable"));
        }
        List<DmarcResult> results = new ArrayList<>();
        for (String domain : fromDomains) {
            results.add(dmarc.evaluate(domain, spf, signatures));
        }
        if (fromDomains.isEmpty()) {
            results.add(DmarcResult.of(Result.PERMERROR, "", "no usable From address"));
        }
        MessageAuthentication authentication = new MessageAuthentication(spf, signatures, fromDomains, List.copyOf(results));
        session.setAttachment(MessageAuthentication.KEY, authentication, ProtocolSession.State.Transaction);
        return authentication;
    }

    /**
     * The distinct domains of the From header fields (RFC 5322 allows several authors), in ASCII form; at most
     * {@value #MAX_AUTHOR_DOMAINS}, each costing DNS questions.
     */
    public static List<String> fromDomains(MimeMessage message) throws MessagingException {
        String[] fields = message.getHeader("From");
        if (fields == null) {
            return List.of();
        }
        Set<String> domains = new LinkedHashSet<>();
        for (String field : fields) {
            try {
                for (InternetAddress address : InternetAddress.parseHeader(field, false)) {
                    String value = address.getAddress();
                    int at = value == null ? -1 : value.lastIndexOf('@');
                    if (at > 0 && at < value.length() - 1 && domains.size() < MAX_AUTHOR_DOMAINS) {
                        domains.add(OrganizationalDomain.normalize(IDN.toASCII(value.substring(at + 1))));
                    }
                }
            } catch (AddressException | IllegalArgumentException e) {
                // an unparsable From counts as no author domain
            }
        }
        return List.copyOf(domains);
    }
}
