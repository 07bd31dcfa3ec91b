package dev.mailwright.mailets.bounce;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

import javax.activation.DataHandler;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;

import dev.mailwright.mailets.outcome.Hop;
import dev.mailwright.mailets.outcome.RecipientOutcome;

/**
 * Delivery status notifications (RFC 3464): a {@code multipart/report; report-type=delivery-status} with a
 * human-readable part, a {@code message/delivery-status} part with one block per recipient ({@code Action},
 * {@code Status} as an RFC 3463 code, {@code Remote-MTA}, {@code Diagnostic-Code: smtp; <the remote reply>}), and
 * the headers of the original message. Sent from the null sender, so a DSN never causes another one.
 */
public final class DsnBuilder {
    private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.RFC_1123_DATE_TIME;

    public enum Kind { FAILED, DELAYED }

    private final String reportingMta;

    public DsnBuilder(String reportingMta) {
        this.reportingMta = reportingMta;
    }

    /**
     * The DSN mail to the sender of {@code original} about {@code outcomes}; {@code retryUntil} is used for
     * delay notices.
     */
    public Mail build(Kind kind, Mail original, List<RecipientOutcome> outcomes, Instant arrival, Instant retryUntil)
        throws MessagingException {
        MailAddress sender = original.getMaybeSender().get();
        MimeMessage report = new ReportMessage("<" + UUID.randomUUID() + "@" + reportingMta + ">");
        try {
            report.setFrom(new InternetAddress("MAILER-DAEMON@" + reportingMta, "Mail Delivery System", "UTF-8"));
        } catch (java.io.UnsupportedEncodingException e) {
            throw new IllegalStateException(e);
        }
        report.setRecipient(javax.mail.Message.RecipientType.TO, sender.toInternetAddress().orElseThrow());
        report.setSubject(kind == Kind.FAILED ? "Undelivered Mail Returned to Sender" : "Delayed Mail (still being retried)");
        report.setHeader("Auto-Submitted", "auto-replied");
        report.setSentDate(java.util.Date.from(Instant.now()));

        MimeMultipart multipart = new ReportMultipart();
        MimeBodyPart text = new MimeBodyPart();
        text.setText(humanText(kind, outcomes, retryUntil), StandardCharsets.UTF_8.name());
        multipart.addBodyPart(text);
        multipart.addBodyPart(part(deliveryStatus(kind, original, outcomes, arrival, retryUntil), "message/delivery-status"));
        multipart.addBodyPart(part(headers(original.getMessage()), "text/rfc822-headers"));
        report.setContent(multipart);
        report.saveChanges();

        return MailImpl.builder()
            .name(MailImpl.getId())
            .sender(MaybeSender.nullSender())
            .addRecipient(sender)
            .mimeMessage(report)
            .build();
    }

    private String humanText(Kind kind, List<RecipientOutcome> outcomes, Instant retryUntil) {
        StringBuilder text = new StringBuilder("This is the mail system at host ").append(reportingMta).append(".\n\n");
        if (kind == Kind.FAILED) {
            text.append("Your message could not be delivered to one or more recipients. It is attached below.\n\n");
        } else {
            text.append("Your message could not be delivered yet to one or more recipients.\n")
                .append("This is only a warning: you do not need to send it again. Delivery will be retried until ")
                .append(format(retryUntil)).append(".\n\n");
        }
        for (RecipientOutcome outcome : outcomes) {
            text.append('<').append(outcome.recipient().asString()).append(">: ");
            if (!outcome.reply().ours() && outcome.hop() != Hop.NONE) {
                text.append("host ").append(outcome.hop().host()).append('[').append(outcome.hop().address())
                    .append("] said: ");
            }
            text.append(outcome.reply().oneLine()).append("\n");
        }
        return text.toString();
    }

    private String deliveryStatus(Kind kind, Mail original, List<RecipientOutcome> outcomes, Instant arrival,
                                  Instant retryUntil) {
        StringBuilder status = new StringBuilder()
            .append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n")
            .append("X-Mailwright-Queue-ID: ").append(original.getName()).append("\r\n")
            .append("Arrival-Date: ").append(format(arrival)).append("\r\n");
        for (RecipientOutcome outcome : outcomes) {
            status.append("\r\n")
                .append("Final-Recipient: rfc822; ").append(outcome.recipient().asString()).append("\r\n")
                .append("Action: ").append(kind.name().toLowerCase(Locale.ROOT)).append("\r\n")
                .append("Status: ").append(outcome.reply().status()).append("\r\n");
            if (outcome.hop() != Hop.NONE) {
                status.append("Remote-MTA: dns; ").append(outcome.hop().host()).append("\r\n");
            }
            status.append("Diagnostic-Code: ").append(outcome.reply().ours() ? "X-Mailwright; " : "smtp; ")
                .append(outcome.reply().oneLine()).append("\r\n")
                .append("Last-Attempt-Date: ").append(format(Instant.now())).append("\r\n");
            if (kind == Kind.DELAYED) {
                status.append("Will-Retry-Until: ").append(format(retryUntil)).append("\r\n");
            }
        }
        return status.toString();
    }

    private static String headers(MimeMessage message) throws MessagingException {
        StringBuilder headers = new StringBuilder();
        Enumeration<String> lines = message.getAllHeaderLines();
        while (lines.hasMoreElements()) {
            headers.append(lines.nextElement()).append("\r\n");
        }
        return headers.toString();
    }

    private static MimeBodyPart part(String content, String type) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        try {
            part.setDataHandler(new DataHandler(new ByteArrayDataSource(content.getBytes(StandardCharsets.UTF_8), type)));
        } catch (RuntimeException e) {
            throw new MessagingException("cannot build the " + type + " part", e);
        }
        part.setHeader("Content-Type", type);
        return part;
    }

    private static String format(Instant instant) {
        return RFC_5322.format(ZonedDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    /** A message whose Message-ID names this host (JavaMail would use the JVM's idea of the local address). */
    private static final class ReportMessage extends MimeMessage {
        private final String messageId;

        ReportMessage(String messageId) {
            super(Session.getInstance(new Properties()));
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }

    /** {@code multipart/report} needs its {@code report-type} parameter (RFC 6522). */
    private static final class ReportMultipart extends MimeMultipart {
        ReportMultipart() {
            super("report");
            contentType = contentType + "; report-type=delivery-status";
        }
    }
}
