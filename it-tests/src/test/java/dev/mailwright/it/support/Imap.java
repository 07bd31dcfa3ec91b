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

    /** The Subject of every message of {@code folder} (one ENVELOPE fetch for all), duplicates kept. */
    public static List<String> subjects(int port, String user, String password, String folder) {
        return read(port, user, password, folder, List.of(), mailbox -> {
            Message[] messages = mailbox.getMessages();
            javax.mail.FetchProfile profile = new javax.mail.FetchProfile();
            profile.add(javax.mail.FetchProfile.Item.ENVELOPE);
            mailbox.fetch(messages, profile);
            List<String> result = new ArrayList<>();
            for (Message message : messages) {
                result.add(message.getSubject());
            }
            return result;
        });
    }

    /**
     * Moves the messages of {@code from} whose subject contains {@code subject} to {@code to} with IMAP MOVE (RFC 6851),
     * as a mail client does when its user drags a message into another folder; returns how many were moved.
     */
    public static int move(int port, String user, String password, String from, String to, String subject) {
        Session session = Session.getInstance(properties(port));
        try (Store store = session.getStore("imap")) {
            store.connect(user, password);
            com.sun.mail.imap.IMAPFolder source = (com.sun.mail.imap.IMAPFolder) store.getFolder(from);
            Folder target = store.getFolder(to);
            if (!target.exists()) {
                target.create(Folder.HOLDS_MESSAGES);
            }
            source.open(Folder.READ_WRITE);
            try {
                Message[] found = source.search(new SubjectTerm(subject));
                if (found.length > 0) {
                    source.moveMessages(found, target);
                }
                return found.length;
            } finally {
                source.close(false);
            }
        } catch (MessagingException e) {
            throw new IllegalStateException("IMAP move of " + user + "/" + from + " failed: " + e.getMessage(), e);
        }
    }

    private interface Reading<T> {
        T read(Folder mailbox) throws MessagingException, java.io.IOException;
    }

    /** Runs {@code reading} on the folder opened read-only; {@code absent} if there is no such folder. */
    private static <T> T read(int port, String user, String password, String folder, T absent, Reading<T> reading) {
        // Two transient answers of James 3.8.1's IMAP server on the JPA mailbox, both while a message is being
        // appended to the folder being read: SELECT counts the message and FETCH refuses it ("BAD FETCH failed.
        // Invalid messageset"), and, seen once in CI, a FETCH left without any reply. A client reads again; so do
        // we (3 attempts, each reply awaited at most 10 s), and say so on stderr so that it stays visible.
        for (int attempt = 1; ; attempt++) {
            try {
                return readOnce(port, user, password, folder, absent, reading);
            } catch (IllegalStateException e) {
                String message = String.valueOf(e.getMessage());
                boolean transientAnswer = message.contains("Invalid messageset") || message.contains("Read timed out");
                if (attempt == 3 || !transientAnswer) {
                    throw e;
                }
                System.err.println("IMAP read of " + user + "/" + folder + " again after: " + message);
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static Properties properties(int port) {
        Properties properties = new Properties();
        properties.put("mail.imap.host", "127.0.0.1");
        properties.put("mail.imap.port", String.valueOf(port));
        properties.put("mail.imap.starttls.enable", "true");
        properties.put("mail.imap.starttls.required", "true");
        properties.put("mail.imap.ssl.trust", "*");
        properties.put("mail.imap.ssl.checkserveridentity", "false");
        properties.put("mail.imap.connectiontimeout", "10000");
        properties.put("mail.imap.timeout", "10000");
        return properties;
    }

    private static <T> T readOnce(int port, String user, String password, String folder, T absent, Reading<T> reading) {
        Session session = Session.getInstance(properties(port));
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
