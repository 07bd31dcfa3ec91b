package com.example.mail;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Warns readers that a mail comes from outside the organization (a common defence against phishing that imitates
 * colleagues): adds a header naming the sender and prefixes the subject, once.
 *
 * <p>Parameters: {@code subjectPrefix} (default {@code [EXTERNAL]}, empty for none) and {@code header} (default
 * {@code X-External-Sender}).
 *
 * <pre>{@code
 * <mailet match="com.example.mail.ExternalSender" class="com.example.mail.TagExternalMail">
 *     <subjectPrefix>[EXTERNAL]</subjectPrefix>
 * </mailet>
 * }</pre>
 */
public class TagExternalMail extends GenericMailet {
    private String subjectPrefix;
    private String header;

    @Override
    public void init() throws MessagingException {
        subjectPrefix = getInitParameter("subjectPrefix", "[EXTERNAL]").strip();
        header = getInitParameter("header", "X-External-Sender").strip();
        if (header.isEmpty() || !header.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
            throw new MessagingException("TagExternalMail: header '" + header + "' is not a header field name");
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        message.setHeader(header, mail.getMaybeSender().asString());
        String subject = message.getSubject() == null ? "" : message.getSubject();
        if (!subjectPrefix.isEmpty() && !subject.startsWith(subjectPrefix)) {
            message.setSubject(subject.isEmpty() ? subjectPrefix : subjectPrefix + " " + subject, "UTF-8");
        }
    }

    @Override
    public String getMailetInfo() {
        return "Marks mail from external senders";
    }
}
