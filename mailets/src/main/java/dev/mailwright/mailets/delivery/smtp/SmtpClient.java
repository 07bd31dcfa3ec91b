package dev.mailwright.mailets.delivery.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

import org.apache.james.core.MailAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.mailets.outcome.Hop;
import dev.mailwright.mailets.outcome.RecipientOutcome;
import dev.mailwright.mailets.outcome.SmtpReply;

/**
 * The SMTP client part of the outbound delivery (Postfix's smtp(8) delivery agent): one SMTP or LMTP transaction with
 * one {@link Peer}, with its TLS policy applied. Before the transaction a refusal (connection, greeting, EHLO, TLS
 * policy, smarthost login) is a {@link HopFailure}: the caller tries the next host. Once MAIL FROM is sent, each
 * recipient gets its own outcome from the replies.
 */
public final class SmtpClient {
    private static final Logger LOGGER = LoggerFactory.getLogger(SmtpClient.class);

    /** How we connect: our name, source address, time limits, trusted CAs. */
    public record Settings(String heloName, Optional<InetAddress> sourceAddress, Duration connectTimeout,
                           Duration readTimeout, TrustAnchors trust) {
    }

    private final Settings settings;

    public SmtpClient(Settings settings) {
        this.settings = settings;
    }

    public List<RecipientOutcome> deliver(Peer peer, Envelope envelope, MimeMessage message) throws HopFailure {
        return transaction(peer, envelope, message, peer.tls().level() == TlsPolicy.Level.NONE, false);
    }

    private List<RecipientOutcome> transaction(Peer peer, Envelope envelope, MimeMessage message, boolean clear,
                                               boolean afterTlsFailure) throws HopFailure {
        String where = peer.describe();
        TlsPolicy policy = peer.tls();
        SmtpConnection connection;
        try {
            connection = SmtpConnection.open(peer.address(), peer.port(), settings.sourceAddress(),
                settings.connectTimeout(), settings.readTimeout());
        } catch (IOException e) {
            throw new HopFailure(SmtpReply.local(451, "4.4.1", "connect to " + where + " failed: " + e.getMessage()));
        }
        try (connection) {
            String tlsVersion = "none";
            String certificate = afterTlsFailure ? "TLS handshake failed, sent in clear" : "-";
            expectPositive(connection.read(), where, "greeting");
            expectPositive(connection.hello(settings.heloName(), envelope.lmtp()), where, envelope.lmtp() ? "LHLO" : "EHLO");
            if (!clear && connection.supports("STARTTLS")) {
                SmtpReply starttls = connection.command("STARTTLS");
                if (starttls.code() == 220) {
                    Verifier check = verifier(policy);
                    try {
                        SSLSocket socket = connection.startTls(TrustAnchors.context(check.manager()), peer.host());
                        tlsVersion = socket.getSession().getProtocol();
                        certificate = check.verdict();
                    } catch (IOException | GeneralSecurityException e) {
                        if (policy.level() == TlsPolicy.Level.DANE) {
                            throw new HopFailure(SmtpReply.local(451, "4.7.5", "DANE: TLS with " + where + " failed: "
                                + check.verdict()));
                        }
                        if (policy.required()) {
                            throw new HopFailure(SmtpReply.local(451, "4.7.5", "TLS required but the handshake with "
                                + where + " failed: " + e.getMessage()));
                        }
                        connection.close();
                        LOGGER.info("TLS handshake with {} failed ({}); opportunistic TLS: retrying in clear", where, e.getMessage());
                        return transaction(peer, envelope, message, true, true);
                    }
                    expectPositive(connection.hello(settings.heloName(), envelope.lmtp()), where, "EHLO after STARTTLS");
                } else if (policy.required()) {
                    throw new HopFailure(SmtpReply.local(451, "4.7.4", "TLS required but " + where
                        + " refused STARTTLS: " + starttls.oneLine()));
                }
            } else if (policy.required()) {
                throw new HopFailure(SmtpReply.local(451, "4.7.4", "TLS required but " + where + " does not offer STARTTLS"));
            }
            Hop hop = new Hop(peer.host(), peer.address().getHostAddress(), peer.port(), tlsVersion, certificate,
                policy.decision());
            authenticate(connection, envelope, where);
            return mailTransaction(connection, envelope, message, hop);
        } catch (IOException e) {
            throw new HopFailure(SmtpReply.local(451, "4.4.2", "conversation with " + where + " failed: " + e.getMessage()));
        }
    }

    /** The trust manager of one handshake, and what it concluded (for the trace). */
    private record Verifier(X509ExtendedTrustManager manager, Supplier<String> verdictSupplier) {
        String verdict() {
            return verdictSupplier.get();
        }
    }

    private Verifier verifier(TlsPolicy policy) {
        if (policy.level() == TlsPolicy.Level.DANE) {
            DaneCheck dane = new DaneCheck(policy.tlsa(), policy.referenceNames());
            return new Verifier(dane, dane::verdict);
        }
        // VERIFY enforces the CA check; MAY records it; ENCRYPT (unusable TLSA records) only records it
        CertificateCheck check = settings.trust().newCheck(policy.level() == TlsPolicy.Level.VERIFY);
        return new Verifier(check, () -> check.failure().map(why -> "unverified (" + why + ")").orElse("verified"));
    }

    private void authenticate(SmtpConnection connection, Envelope envelope, String where) throws IOException, HopFailure {
        if (envelope.credentials().isEmpty()) {
            return;
        }
        if (!connection.isEncrypted()) {
            throw new HopFailure(SmtpReply.local(451, "4.7.0", "credentials for " + where
                + " are never sent over an unencrypted connection"));
        }
        List<String> lines = Files.readAllLines(envelope.credentials().get(), StandardCharsets.UTF_8).stream()
            .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        if (lines.size() != 2) {
            throw new HopFailure(SmtpReply.local(451, "4.7.0", "credentials file " + envelope.credentials().get()
                + " must hold the user name and the password on two lines"));
        }
        String token = Base64.getEncoder().encodeToString(("\0" + lines.get(0) + "\0" + lines.get(1)).getBytes(StandardCharsets.UTF_8));
        SmtpReply reply = connection.command("AUTH PLAIN " + token);
        if (reply.code() != 235) {
            // a refused login is our configuration problem: keep the mail and retry, do not bounce it
            throw new HopFailure(SmtpReply.local(451, "4.7.0", "authentication to " + where + " failed: " + reply.oneLine()));
        }
    }

    private static List<RecipientOutcome> mailTransaction(SmtpConnection connection, Envelope envelope, MimeMessage message,
                                                          Hop hop) throws IOException {
        SmtpReply mailFrom = connection.command("MAIL FROM:<" + envelope.sender().asString("") + ">");
        if (!mailFrom.isPositive()) {
            connection.quit();
            return all(envelope.recipients(), mailFrom, hop);
        }
        List<RecipientOutcome> outcomes = new ArrayList<>();
        List<MailAddress> accepted = new ArrayList<>();
        for (MailAddress recipient : envelope.recipients()) {
            SmtpReply reply = connection.command("RCPT TO:<" + recipient.asString() + ">");
            if (reply.isPositive()) {
                accepted.add(recipient);
            } else {
                outcomes.add(RecipientOutcome.of(recipient, reply, hop));
            }
        }
        if (accepted.isEmpty()) {
            connection.quit();
            return outcomes;
        }
        SmtpReply data = connection.command("DATA");
        if (data.code() != 354) {
            accepted.forEach(recipient -> outcomes.add(RecipientOutcome.of(recipient, data, hop)));
            connection.quit();
            return outcomes;
        }
        connection.sendData(out -> {
            try {
                message.writeTo(out);
            } catch (MessagingException e) {
                throw new IOException("cannot write the message: " + e.getMessage(), e);
            }
        });
        if (envelope.lmtp()) {
            for (MailAddress recipient : accepted) {
                outcomes.add(RecipientOutcome.of(recipient, connection.read(), hop));
            }
        } else {
            SmtpReply end = connection.read();
            accepted.forEach(recipient -> outcomes.add(RecipientOutcome.of(recipient, end, hop)));
        }
        connection.quit();
        return outcomes;
    }

    private static void expectPositive(SmtpReply reply, String where, String step) throws HopFailure {
        if (!reply.isPositive()) {
            // a refusal before the transaction concerns this host, not the recipients: try the next host
            throw new HopFailure(SmtpReply.local(451, "4.4.0", where + " refused the " + step + ": " + reply.oneLine()));
        }
    }

    /** Every recipient gets {@code reply}. */
    public static List<RecipientOutcome> all(List<MailAddress> recipients, SmtpReply reply, Hop hop) {
        return recipients.stream().map(recipient -> RecipientOutcome.of(recipient, reply, hop)).toList();
    }
}
