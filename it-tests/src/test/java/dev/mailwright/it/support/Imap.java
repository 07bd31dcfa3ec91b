package dev.mailwright.it.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.internet.MimeMessage;

/** Reads a mailbox with JavaMail's IMAP client, over STARTTLS (143) as a mail client would. */
public final class Imap {
    private Imap() {
    }

    /** The messages of {@code folder}, each as its raw RFC 5322 text. */
    public static List<String> messages(int port, String user, String password, String folder) {
        Properties properties = new Properties();
        properties.put("mail.imap.host", "127.0.0.1");
        properties.put("mail.imap.port", String.valueOf(port));
        properties.put("mail.imap.starttls.enable", "true");
        properties.put("mail.imap.starttls.required", "true");
        properties.put("mail.imap.ssl.trust", "*");
        properties.put("mail.imap.ssl.checkserveridentity", "false");
        properties.put("mail.imap.connectiontimeout", "10000");
        properties.put("mail.imap.timeout", "30000");
        Session session = Session.getInstance(properties);
        try (Store store = session.getStore("imap")) {
            store.connect(user, password);
            Folder mailbox = store.getFolder(folder);
            if (!mailbox.exists()) {
                return List.of();
            }
            mailbox.open(Folder.READ_ONLY);
            try {
                List<String> result = new ArrayList<>();
                for (Message message : mailbox.getMessages()) {
                    java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
                    ((MimeMessage) message).writeTo(raw);
                    result.add(raw.toString(java.nio.charset.StandardCharsets.UTF_8));
                }
                return result;
            } finally {
                mailbox.close(false);
            }
        } catch (MessagingException | java.io.IOException e) {
            throw new IllegalStateException("IMAP read of " + user + "/" + folder + " failed: " + e.getMessage(), e);
        }
    }
}
