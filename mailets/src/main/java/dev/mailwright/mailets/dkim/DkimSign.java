package dev.mailwright.mailets.dkim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableSet;

import dev.mailwright.mailets.wire.CrlfOutputStream;

/**
 * Signs a mail with the DKIM keys of its domain ({@link DkimKeyStore}): one signature per active key, RSA first,
 * Ed25519 as a second one where the domain has such a key. The signing domain is the one of the {@code From} address
 * (DMARC alignment), or a parent domain with keys; failing that, the envelope sender's. Mail of a domain without keys
 * passes unsigned.
 *
 * <p>Placed after routing and before the outbound queue ({@code outbound} processor), so it signs the headers that
 * leave; nothing changes the mail after it. The signatures go on top of the header; nothing else of the message
 * changes (not a byte: the signed bytes are kept as they are), so signatures already there stay valid. A mail that already carries our signature for a selector (released
 * from the hold repository, say) is not signed twice with it. See mailets/README.md.
 */
public class DkimSign extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(DkimSign.class);
    private static final Set<String> PARAMETERS = ImmutableSet.of();

    private final DkimKeyStore keys;
    private final Clock clock;

    @Inject
    public DkimSign(DkimKeyStore keys) {
        this(keys, Clock.systemUTC());
    }

    DkimSign(DkimKeyStore keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    @Override
    public String getMailetInfo() {
        return "Mailwright DKIM signer";
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(PARAMETERS);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        Optional<String> domain = signingDomain(mail, message);
        if (domain.isEmpty()) {
            LOGGER.debug("DKIM: no key for the domains of {}; not signed", mail.getName());
            return;
        }
        List<DkimKey> signing = new ArrayList<>(keys.activeKeys(domain.get()));
        signing.removeIf(key -> alreadySigned(message, key));
        if (signing.isEmpty()) {
            return;
        }
        byte[] bytes = crlfBytes(message);
        List<String> fields = new ArrayList<>();
        for (DkimKey key : signing) {
            try {
                fields.add(DkimSigner.sign(bytes, key, clock.instant()));
            } catch (DkimSigner.SigningException e) {
                // an unsigned mail still goes; the receiver decides, as for any unsigned mail
                LOGGER.warn("DKIM: {} left unsigned: {}", mail.getName(), e.getMessage());
                return;
            }
        }
        // the mail disposes of the message it replaces (James's MailImpl)
        mail.setMessage(prepended(mail.getName(), fields, bytes));
        LOGGER.debug("DKIM: {} signed for {} ({})", mail.getName(), domain.get(),
            signing.stream().map(DkimKey::selector).toList());
    }

    /** The From domain or a parent of it with active keys, else the envelope sender's. */
    private Optional<String> signingDomain(Mail mail, MimeMessage message) throws MessagingException {
        List<String> candidates = new ArrayList<>();
        String[] from = message.getHeader("From");
        if (from != null && from.length == 1) {
            try {
                InternetAddress[] addresses = InternetAddress.parseHeader(from[0], false);
                if (addresses.length == 1) {
                    domainOf(addresses[0].getAddress()).ifPresent(candidates::add);
                }
            } catch (AddressException e) {
                // an unparsable From is not aligned with anything
            }
        }
        mail.getMaybeSender().asOptional().map(sender -> sender.getDomain().asString()).ifPresent(candidates::add);
        for (String candidate : candidates) {
            for (String name = candidate.toLowerCase(Locale.ROOT); name.contains("."); name = name.substring(name.indexOf('.') + 1)) {
                try {
                    if (!keys.activeKeys(name).isEmpty()) {
                        return Optional.of(name);
                    }
                } catch (IllegalArgumentException notADomain) {
                    break;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> domainOf(String address) {
        int at = address == null ? -1 : address.lastIndexOf('@');
        return at < 0 ? Optional.empty() : Optional.of(address.substring(at + 1));
    }

    /** A signature of ours with this domain and selector is already there. */
    private static boolean alreadySigned(MimeMessage message, DkimKey key) {
        try {
            String[] existing = message.getHeader("DKIM-Signature");
            if (existing == null) {
                return false;
            }
            for (String field : existing) {
                String compact = field.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
                if ((";" + compact).contains(";d=" + key.domain() + ";") && (";" + compact).contains(";s=" + key.selector() + ";")) {
                    return true;
                }
            }
            return false;
        } catch (MessagingException e) {
            return false;
        }
    }

    /** The message as it will be sent: its bytes with CRLF line ends. */
    private static byte[] crlfBytes(MimeMessage message) throws MessagingException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CrlfOutputStream out = new CrlfOutputStream(bytes)) {
            message.writeTo(out);
        } catch (IOException e) {
            throw new MessagingException("cannot read the message to sign it", e);
        }
        return bytes.toByteArray();
    }

    /**
     * The signed message: the fields on top of the header (RFC 6376 5.6), then the bytes that were signed. A new
     * message over these bytes rather than the old one with headers added: JavaMail can only append headers, and a
     * modified message has its headers rewritten by JavaMail when it is written (MIME-Version, order), which would
     * change what was signed. Unmodified, it is written byte for byte as it is here.
     */
    private static MimeMessage prepended(String name, List<String> fields, byte[] signed) throws MessagingException {
        StringBuilder header = new StringBuilder();
        fields.forEach(field -> header.append(field).append("\r\n"));
        return new MimeMessageWrapper(MimeMessageInputStreamSource.create(name + "-dkim", new SequenceInputStream(
            new ByteArrayInputStream(header.toString().getBytes(StandardCharsets.US_ASCII)), new ByteArrayInputStream(signed))));
    }
}
