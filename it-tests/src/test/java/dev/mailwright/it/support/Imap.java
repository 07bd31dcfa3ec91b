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
import javax.mail.search.SubjectTerm;

/** Reads a mailbox with JavaMail's IMAP client, over STARTTLS (143) as a mail client would. */
public final class Imap {
    private Imap() {
    }

    /** The messages of {@code folder}, each as its raw RFC 5322 text. */
    public static List<String> messages(int port, String user, String password, String folder) {
        return read(port, user, password, folder, List.of(), mailbox -> {
            List<String> result = new ArrayList<>();
            for (Message message : mailbox.getMessages()) {
                java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
                ((MimeMessage) message).writeTo(raw);
                result.add(raw.toString(java.nio.charset.StandardCharsets.UTF_8));
            }
            return result;
        });
    }

    /** How many messages of {@code folder} the server finds with IMAP {@code SEARCH SUBJECT text}. */
    public static int searchSubject(int port, String user, String password, String folder, String text) {
        return read(port, user, password, folder, 0, mailbox -> mailbox.search(new SubjectTerm(text)).length);
    }

    private interface Reading<T> {
        T read(Folder mailbox) throws MessagingException, java.io.IOException;
    }

    /** Runs {@code reading} on the folder opened read-only; {@code absent} if there is no such folder. */
    private static <T> T read(int port, String user, String password, String folder, T absent, Reading<T> reading) {
        // A message being appended while the folder is selected can be counted by SELECT and still be refused by
        // FETCH ("BAD FETCH failed. Invalid messageset", James 3.8.1's JPA mailbox): read again, as a client would.
        for (int attempt = 1; ; attempt++) {
            try {
                return readOnce(port, user, password, folder, absent, reading);
            } catch (IllegalStateException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Invalid messageset")) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static <T> T readOnce(int port, String user, String password, String folder, T absent, Reading<T> reading) {
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
                return absent;
            }
            mailbox.open(Folder.READ_ONLY);
            try {
                return reading.read(mailbox);
            } finally {
                mailbox.close(false);
            }
        } catch (MessagingException | java.io.IOException e) {
            throw new IllegalStateException("IMAP read of " + user + "/" + folder + " failed: " + e.getMessage(), e);
        }
    }
}
