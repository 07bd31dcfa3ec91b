package dev.mailwright.smtp.testing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;

/** Mails for end-of-DATA hook tests, from raw RFC 5322 text. */
public final class Messages {
    private Messages() {
    }

    public static MimeMessage parse(String raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
    }

    public static Mail mail(String sender, String recipient, String raw) throws Exception {
        FakeMail.Builder builder = FakeMail.builder().name("mail-1").recipient(recipient).mimeMessage(parse(raw));
        return (sender.isEmpty() ? builder.sender(org.apache.james.core.MaybeSender.nullSender()) : builder.sender(sender)).build();
    }

    /** The header fields named {@code name}, as the message now has them. */
    public static String[] header(Mail mail, String name) throws Exception {
        String[] values = mail.getMessage().getHeader(name);
        return values == null ? new String[0] : values;
    }
}
