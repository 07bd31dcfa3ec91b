package dev.mailwright.mailets.delivery;

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

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLSocket;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.net.InetAddresses;

import dev.mailwright.mailets.routing.Route;
import dev.mailwright.mailets.routing.Route.TlsLevel;

/**
 * One delivery attempt to a {@link Destination}: finds its hosts (MX or the route's host), applies the TLS policy
 * (route level, MTA-STS), and runs one SMTP or LMTP transaction on the first host that takes the connection, trying
 * the next host when one refuses, times out, or fails the TLS policy. Returns one outcome per recipient.
 */
class DestinationDelivery {
    private static final Logger LOGGER = LoggerFactory.getLogger(DestinationDelivery.class);

    /** How we connect: our name, source address, time limits, trusted CAs, and whether MTA-STS is looked up. */
    record Settings(String heloName, Optional<InetAddress> sourceAddress, Duration connectTimeout, Duration readTimeout,
                    TrustAnchors trust, boolean mtaSts) {
    }

    private final Settings settings;
    private final NextHopResolver resolver;
    private final MtaStsPolicies policies;

    DestinationDelivery(Settings settings, NextHopResolver resolver, MtaStsPolicies policies) {
        this.settings = settings;
        this.resolver = resolver;
        this.policies = policies;
    }

    /** A host to try: the name certificates are checked against, the address we connect to. */
    private record Candidate(String host, InetAddress address, int port) {
    }

    /** A host could not take the transaction; the next one may. */
    private static final class HopFailure extends Exception {
        private final SmtpReply reply;

        HopFailure(SmtpReply reply) {
            super(reply.oneLine());
            this.reply = reply;
        }
    }

    List<RecipientOutcome> deliver(Destination destination, MaybeSender sender, MimeMessage message) {
        Route route = destination.route();
        TlsLevel tls = route.tls();
        List<String> hosts;
        int port;
        try {
            if (route.kind() == Route.Kind.MX) {
                hosts = resolver.mxHosts(destination.domain());
                port = 25;
                Optional<MtaStsPolicy> policy = settings.mtaSts() ? policies.policyFor(destination.domain()) : Optional.empty();
                if (policy.isPresent() && policy.get().mode() == MtaStsPolicy.Mode.ENFORCE) {
                    List<String> allowed = hosts.stream().filter(policy.get()::allows).toList();
                    if (allowed.isEmpty()) {
                        return all(destination, SmtpReply.local(451, "4.7.5", "MTA-STS policy of " + destination.domain()
                            + " allows none of its MX hosts " + hosts + " (policy mx: " + policy.get().mxPatterns() + ")"), Hop.NONE);
                    }
                    hosts = allowed;
                    tls = TlsLevel.REQUIRE;
                } else if (policy.isPresent() && policy.get().mode() == MtaStsPolicy.Mode.TESTING) {
                    hosts.stream().filter(host -> !policy.get().allows(host)).forEach(host -> LOGGER.warn(
                        "MTA-STS (testing) of {}: MX {} does not match the policy {}", destination.domain(), host,
                        policy.get().mxPatterns()));
                }
            } else {
                hosts = List.of(route.host());
                port = route.port();
            }
        } catch (DeliveryFailure failure) {
            return all(destination, failure.reply(), Hop.NONE);
        }

        List<Candidate> candidates = new ArrayList<>();
        SmtpReply lastFailure = null;
        for (String host : hosts) {
            try {
                List<InetAddress> addresses = InetAddresses.isInetAddress(host)
                    ? List.of(InetAddresses.forString(host)) : resolver.addresses(host);
                if (addresses.isEmpty()) {
                    lastFailure = SmtpReply.local(451, "4.4.4", "no address for host " + host);
                }
                addresses.forEach(address -> candidates.add(new Candidate(host, address, port)));
            } catch (DeliveryFailure failure) {
                lastFailure = failure.reply();
            }
        }
        if (candidates.isEmpty()) {
            boolean implicitMx = route.kind() == Route.Kind.MX && hosts.equals(List.of(destination.domain()));
            SmtpReply reply = implicitMx && lastFailure != null && lastFailure.status().equals("4.4.4")
                ? SmtpReply.local(550, "5.1.2", "Host or domain name not found: " + destination.domain() + " has no MX and no address")
                : lastFailure;
            return all(destination, reply, Hop.NONE);
        }

        for (Candidate candidate : candidates) {
            try {
                return transaction(candidate, destination, sender, message, tls, false);
            } catch (HopFailure failure) {
                LOGGER.info("delivery to {} via {}[{}]:{} failed, next host: {}", destination.key(), candidate.host(),
                    candidate.address().getHostAddress(), candidate.port(), failure.reply.oneLine());
                lastFailure = failure.reply;
            }
        }
        Candidate last = candidates.get(candidates.size() - 1);
        return all(destination, lastFailure, new Hop(last.host(), last.address().getHostAddress(), last.port(), "none", "-"));
    }

    private List<RecipientOutcome> transaction(Candidate candidate, Destination destination, MaybeSender sender,
                                               MimeMessage message, TlsLevel tls, boolean afterTlsFailure) throws HopFailure {
        String where = candidate.host() + "[" + candidate.address().getHostAddress() + "]:" + candidate.port();
        boolean lmtp = destination.route().kind() == Route.Kind.LMTP;
        SmtpConnection connection;
        try {
            connection = SmtpConnection.open(candidate.address(), candidate.port(), settings.sourceAddress(),
                settings.connectTimeout(), settings.readTimeout());
        } catch (IOException e) {
            throw new HopFailure(SmtpReply.local(451, "4.4.1", "connect to " + where + " failed: " + e.getMessage()));
        }
        try (connection) {
            String tlsVersion = "none";
            String certificate = afterTlsFailure ? "TLS handshake failed, sent in clear" : "-";
            expectPositive(connection.read(), where, "greeting");
            expectPositive(connection.hello(settings.heloName(), lmtp), where, lmtp ? "LHLO" : "EHLO");
            if (tls != TlsLevel.NONE && connection.supports("STARTTLS")) {
                SmtpReply starttls = connection.command("STARTTLS");
                if (starttls.code() == 220) {
                    CertificateCheck check = settings.trust().newCheck(tls == TlsLevel.REQUIRE);
                    try {
                        SSLSocket socket = connection.startTls(TrustAnchors.context(check), candidate.host());
                        tlsVersion = socket.getSession().getProtocol();
                        certificate = check.failure().map(why -> "unverified (" + why + ")").orElse("verified");
                    } catch (IOException | GeneralSecurityException e) {
                        if (tls == TlsLevel.REQUIRE) {
                            throw new HopFailure(SmtpReply.local(451, "4.7.5", "TLS required but the handshake with "
                                + where + " failed: " + e.getMessage()));
                        }
                        connection.close();
                        LOGGER.info("TLS handshake with {} failed ({}); opportunistic TLS: retrying in clear", where, e.getMessage());
                        return transaction(candidate, destination, sender, message, TlsLevel.NONE, true);
                    }
                    expectPositive(connection.hello(settings.heloName(), lmtp), where, "EHLO after STARTTLS");
                } else if (tls == TlsLevel.REQUIRE) {
                    throw new HopFailure(SmtpReply.local(451, "4.7.4", "TLS required but " + where
                        + " refused STARTTLS: " + starttls.oneLine()));
                }
            } else if (tls == TlsLevel.REQUIRE) {
                throw new HopFailure(SmtpReply.local(451, "4.7.4", "TLS required but " + where + " does not offer STARTTLS"));
            }
            Hop hop = new Hop(candidate.host(), candidate.address().getHostAddress(), candidate.port(), tlsVersion, certificate);
            authenticate(connection, destination.route(), where);
            return mailTransaction(connection, destination, sender, message, hop, lmtp);
        } catch (IOException e) {
            throw new HopFailure(SmtpReply.local(451, "4.4.2", "conversation with " + where + " failed: " + e.getMessage()));
        }
    }

    private void authenticate(SmtpConnection connection, Route route, String where) throws IOException, HopFailure {
        if (route.credentials().isEmpty()) {
            return;
        }
        if (!connection.isEncrypted()) {
            throw new HopFailure(SmtpReply.local(451, "4.7.0", "credentials for " + where
                + " are never sent over an unencrypted connection"));
        }
        List<String> lines = Files.readAllLines(route.credentials().get(), StandardCharsets.UTF_8).stream()
            .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        if (lines.size() != 2) {
            throw new HopFailure(SmtpReply.local(451, "4.7.0", "credentials file " + route.credentials().get()
                + " must hold the user name and the password on two lines"));
        }
        String token = Base64.getEncoder().encodeToString(("\0" + lines.get(0) + "\0" + lines.get(1)).getBytes(StandardCharsets.UTF_8));
        SmtpReply reply = connection.command("AUTH PLAIN " + token);
        if (reply.code() != 235) {
            // a refused login is our configuration problem: keep the mail and retry, do not bounce it
            throw new HopFailure(SmtpReply.local(451, "4.7.0", "authentication to " + where + " failed: " + reply.oneLine()));
        }
    }

    private List<RecipientOutcome> mailTransaction(SmtpConnection connection, Destination destination, MaybeSender sender,
                                                   MimeMessage message, Hop hop, boolean lmtp) throws IOException {
        SmtpReply mailFrom = connection.command("MAIL FROM:<" + sender.asString("") + ">");
        if (!mailFrom.isPositive()) {
            connection.quit();
            return all(destination, mailFrom, hop);
        }
        List<RecipientOutcome> outcomes = new ArrayList<>();
        List<MailAddress> accepted = new ArrayList<>();
        for (MailAddress recipient : destination.recipients()) {
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
        if (lmtp) {
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

    private static List<RecipientOutcome> all(Destination destination, SmtpReply reply, Hop hop) {
        return destination.recipients().stream().map(recipient -> RecipientOutcome.of(recipient, reply, hop)).toList();
    }
}
