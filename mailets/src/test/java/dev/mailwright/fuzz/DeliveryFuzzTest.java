package dev.mailwright.fuzz;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.mailwright.mailets.delivery.DsnBuilder;
import dev.mailwright.mailets.delivery.Hop;
import dev.mailwright.mailets.delivery.MtaStsPolicy;
import dev.mailwright.mailets.delivery.RecipientOutcome;
import dev.mailwright.mailets.delivery.SmtpReply;
import dev.mailwright.mailets.routing.Route;
import dev.mailwright.mailets.routing.TransportMap;

/**
 * Fuzz tests of what routing and delivery parse: the transport map (an administrator's XML, also read again at
 * runtime), route texts kept in mail attributes, MTA-STS policy files from remote web servers, and DSNs built from any
 * message with any remote reply. Each input gives an answer or the documented exception, never another one; a DSN
 * can always be written out. Regression mode in every build, fuzzing with {@code JAZZER_FUZZ=1} ({@code .ci/fuzz}).
 * Only public entry points are used.
 */
class DeliveryFuzzTest {
    private static final Session MAIL = Session.getInstance(new Properties());

    /** A transport map is read or refused with IllegalArgumentException; a map read routes every domain. */
    @FuzzTest(maxDuration = "15s")
    void transportMap(FuzzedDataProvider data) throws IOException {
        String domain = data.consumeString(100);
        String sender = data.consumeString(100);
        byte[] xml = data.consumeRemainingAsBytes();
        TransportMap map;
        try {
            map = TransportMap.parse(new ByteArrayInputStream(xml));
        } catch (IllegalArgumentException refused) {
            return;
        }
        Route route = map.routeFor(Optional.of(sender), domain);
        if (route == null) {
            throw new IllegalStateException("no route for " + domain);
        }
        // a route travels as text in a mail attribute (to the outbound queue) and must come back the same
        Route back = Route.fromText(route.asText());
        if (!back.equals(route)) {
            throw new IllegalStateException(route + " came back as " + back);
        }
    }

    /** A route written by hand: parsed or refused with IllegalArgumentException, and its text reads back the same. */
    @FuzzTest(maxDuration = "15s")
    void routeText(FuzzedDataProvider data) {
        String to = data.consumeString(200);
        Map<String, String> options = data.consumeBoolean() ? Map.of("tls", data.consumeString(20)) : Map.of();
        Route route;
        try {
            route = Route.parse(to, options);
        } catch (IllegalArgumentException refused) {
            return;
        }
        Route back = Route.fromText(route.asText());
        if (!back.equals(route)) {
            throw new IllegalStateException(route + " came back as " + back);
        }
    }

    /** An MTA-STS policy body from any web server: a policy or IllegalArgumentException; a policy answers for any MX. */
    @FuzzTest(maxDuration = "15s")
    void mtaStsPolicy(FuzzedDataProvider data) {
        String mx = data.consumeString(100);
        MtaStsPolicy policy;
        try {
            policy = MtaStsPolicy.parse(data.consumeRemainingAsString());
        } catch (IllegalArgumentException invalid) {
            return;
        }
        policy.allows(mx);
    }

    /** A DSN about any message with any remote reply is built and can be written out. */
    @FuzzTest(maxDuration = "15s")
    void dsnOfAnyMessage(FuzzedDataProvider data) throws Exception {
        int code = data.consumeInt(200, 599);
        List<String> lines = new ArrayList<>();
        for (int i = data.consumeInt(1, 3); i > 0; i--) {
            lines.add(data.consumeString(120));
        }
        boolean delayed = data.consumeBoolean();
        MimeMessage original;
        try {
            original = new MimeMessage(MAIL, new ByteArrayInputStream(data.consumeRemainingAsBytes()));
            original.getAllHeaderLines();
        } catch (MessagingException unreadable) {
            return;
        }
        Mail mail = MailImpl.builder().name("fuzz").sender("sender@example.test").addRecipient("rcpt@remote.test")
            .mimeMessage(original).build();
        SmtpReply reply = new SmtpReply(code, lines);
        RecipientOutcome outcome = new RecipientOutcome(new MailAddress("rcpt@remote.test"),
            code < 300 ? RecipientOutcome.Result.DELIVERED : code < 500 ? RecipientOutcome.Result.DEFERRED : RecipientOutcome.Result.FAILED,
            reply, new Hop("mx.remote.test", "192.0.2.7", 25, "none", "-"));
        Mail dsn = new DsnBuilder("mx.example.test").build(delayed ? DsnBuilder.Kind.DELAYED : DsnBuilder.Kind.FAILED, mail,
            List.of(outcome), Instant.EPOCH, Instant.EPOCH.plusSeconds(86400));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        dsn.getMessage().writeTo(out);
        String text = out.toString(StandardCharsets.ISO_8859_1);
        if (!text.contains("message/delivery-status")) {
            throw new IllegalStateException("a DSN without its delivery-status part");
        }
    }
}
