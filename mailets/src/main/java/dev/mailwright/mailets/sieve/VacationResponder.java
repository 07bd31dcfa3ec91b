package dev.mailwright.mailets.sieve;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.james.transport.mailets.jsieve.ActionContext;
import org.apache.james.transport.mailets.jsieve.MailAction;
import org.apache.james.transport.mailets.jsieve.delivery.SieveExecutor;
import org.apache.jsieve.mail.Action;
import org.apache.jsieve.mail.optional.ActionVacation;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.RFC2822Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.hash.Hashing;

import dev.mailwright.common.store.StateStore;

/**
 * Sieve's {@code vacation} action (RFC 5230, with RFC 3834's rules for automatic replies).
 *
 * <p>A reply is sent only when all of these hold:
 * <ul>
 *   <li>the message has a sender: not the null sender, not {@code MAILER-DAEMON}, {@code owner-*}, {@code *-request}
 *       or {@code listserv}/{@code majordomo}, and not the user themself;</li>
 *   <li>it is no automatic message: no {@code Auto-Submitted} other than {@code no}, no {@code Precedence} bulk, list
 *       or junk, no {@code List-*} field, no delivery or disposition report ({@code multipart/report}), not marked
 *       as spam by this server;</li>
 *   <li>the user's address, or one of {@code :addresses}, is in To, Cc, Bcc or a Resent-To/Cc/Bcc field (mail the
 *       user got as a Bcc of a list is not answered);</li>
 *   <li>this sender got no reply with the same {@code :handle} (by default: the same subject, reason and from) from
 *       this user within {@code :days} (default 7): one reply per sender per period, remembered in the server's
 *       {@link StateStore}, so it holds across restarts and nodes.</li>
 * </ul>
 * The reply comes from the user (or {@code :from}), with the null envelope sender (RFC 5230 section 5.1: nothing
 * answers or bounces it), {@code Auto-Submitted: auto-replied}, {@code In-Reply-To} and {@code References}, and
 * {@code :subject} or "Auto: " and the original subject.
 */
final class VacationResponder implements MailAction {
    static final String NAMESPACE = "sieve-vacation";
    private static final Logger LOGGER = LoggerFactory.getLogger(VacationResponder.class);
    private static final int DEFAULT_DAYS = 7;
    private static final Set<String> NEVER_ANSWERED = Set.of("mailer-daemon", "listserv", "majordomo", "postmaster");
    /** Marks the reply so that no Sieve script runs on it again (James's own notion, also used by its Sieve). */
    private static final AttributeName GENERATED = SieveExecutor.SIEVE_NOTIFICATION;

    private final StateStore store;
    private final Clock clock;

    VacationResponder(StateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void execute(Action action, Mail mail, ActionContext context) throws MessagingException {
        ActionVacation vacation = (ActionVacation) action;
        MailAddress user = context.getRecipient();
        Optional<String> refusal = refusal(mail, user, vacation);
        if (refusal.isPresent()) {
            LOGGER.debug("No vacation reply from {} to {}: {}", user.asString(), mail.getMaybeSender().asString(), refusal.get());
            return;
        }
        MailAddress sender = mail.getMaybeSender().get();
        int days = vacation.getDuration() < 1 ? DEFAULT_DAYS : vacation.getDuration();
        String key = user.asString().toLowerCase(Locale.ROOT) + " " + handle(vacation) + " " + sender.asString().toLowerCase(Locale.ROOT);
        if (store.increment(NAMESPACE, key, 1, Duration.ofDays(days)) > 1) {
            LOGGER.debug("No vacation reply from {} to {}: already answered within {} days", user.asString(), sender.asString(), days);
            return;
        }
        MailImpl reply = MailImpl.builder()
            .name(MailImpl.getId())
            .sender(MaybeSender.nullSender())
            .addRecipient(sender)
            .mimeMessage(replyMessage(mail.getMessage(), user, sender, vacation))
            .addAttribute(new Attribute(GENERATED, AttributeValue.of(true)))
            .build();
        try {
            context.post(reply);
            LOGGER.info("Vacation reply from {} to {} (next one to this sender after {} days at the earliest)", user.asString(), sender.asString(), days);
        } finally {
            reply.dispose();
        }
    }

    /** Why this message gets no reply, or empty if it may get one (before the once-per-period rule). */
    static Optional<String> refusal(Mail mail, MailAddress user, ActionVacation vacation) throws MessagingException {
        if (!mail.hasSender()) {
            return Optional.of("null sender");
        }
        MailAddress sender = mail.getMaybeSender().get();
        String local = sender.getLocalPart().toLowerCase(Locale.ROOT);
        if (NEVER_ANSWERED.contains(local) || local.startsWith("owner-") || local.endsWith("-request")) {
            return Optional.of("sender " + sender.asString() + " is a mail system or list address");
        }
        if (sender.equals(user)) {
            return Optional.of("sender is the user");
        }
        MimeMessage message = mail.getMessage();
        String autoSubmitted = first(message, "Auto-Submitted");
        if (autoSubmitted != null && !autoSubmitted.strip().toLowerCase(Locale.ROOT).startsWith("no")) {
            return Optional.of("Auto-Submitted: " + autoSubmitted.strip());
        }
        String precedence = first(message, "Precedence");
        if (precedence != null && Set.of("bulk", "list", "junk").contains(precedence.strip().toLowerCase(Locale.ROOT))) {
            return Optional.of("Precedence: " + precedence.strip());
        }
        for (String line : Collections.list(message.getAllHeaderLines())) {
            if (line.regionMatches(true, 0, "List-", 0, 5)) {
                return Optional.of("mailing list (" + line.substring(0, Math.max(0, line.indexOf(':'))) + ")");
            }
        }
        String contentType = message.getContentType();
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/report")) {
            return Optional.of("delivery or disposition report");
        }
        if (mail.getAttribute(AttributeName.of("dev.mailwright.spam")).isPresent()
            || mail.getAttribute(AttributeName.of("dev.mailwright.dmarc.quarantine")).isPresent()
            || "YES".equalsIgnoreCase(String.valueOf(first(message, "X-Spam-Flag")).strip())) {
            return Optional.of("spam");
        }
        Set<String> mine = new java.util.HashSet<>();
        mine.add(user.asString().toLowerCase(Locale.ROOT));
        for (String address : vacation.getAddresses() == null ? List.<String>of() : vacation.getAddresses()) {
            mine.add(address.strip().toLowerCase(Locale.ROOT));
        }
        if (!addressedTo(message, mine)) {
            return Optional.of("the user's address is not in To, Cc or Bcc");
        }
        return Optional.empty();
    }

    private static boolean addressedTo(MimeMessage message, Set<String> mine) throws MessagingException {
        for (String field : List.of("To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc")) {
            String[] values = message.getHeader(field);
            if (values == null) {
                continue;
            }
            for (String value : values) {
                try {
                    for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                        if (address.getAddress() != null && mine.contains(address.getAddress().toLowerCase(Locale.ROOT))) {
                            return true;
                        }
                    }
                } catch (AddressException e) {
                    // an unparsable field names nobody
                }
            }
        }
        return false;
    }

    private static String first(MimeMessage message, String name) throws MessagingException {
        String[] values = message.getHeader(name);
        return values == null || values.length == 0 ? null : values[0];
    }

    /** RFC 5230 section 4.2: without {@code :handle}, replies differ by their subject, reason and from. */
    static String handle(ActionVacation vacation) {
        if (vacation.getHandle() != null && !vacation.getHandle().isBlank()) {
            return vacation.getHandle().strip();
        }
        String basis = String.join("\u0000", String.valueOf(vacation.getSubject()), String.valueOf(vacation.getReason()),
            String.valueOf(vacation.getMime()), String.valueOf(vacation.getFrom()));
        return Hashing.sha256().hashString(basis, StandardCharsets.UTF_8).toString().substring(0, 16);
    }

    private MimeMessage replyMessage(MimeMessage original, MailAddress user, MailAddress sender, ActionVacation vacation)
        throws MessagingException {
        // its id names the user's domain (javax.mail would name the local host), whenever the message is saved
        String id = "<" + java.util.UUID.randomUUID() + ".vacation@" + user.getDomain().asString() + ">";
        MimeMessage reply = new MimeMessage(Session.getInstance(new java.util.Properties())) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", id);
            }
        };
        Address from = vacation.getFrom() != null && !vacation.getFrom().isBlank()
            ? new InternetAddress(vacation.getFrom())
            : user.toInternetAddress().orElseThrow(() -> new MessagingException("no address for " + user.asString()));
        reply.setFrom(from);
        reply.setRecipient(javax.mail.Message.RecipientType.TO, sender.toInternetAddress()
            .orElseThrow(() -> new MessagingException("no address for " + sender.asString())));
        String originalSubject = Optional.ofNullable(original.getSubject()).orElse("");
        String subject = vacation.getSubject() != null && !vacation.getSubject().isBlank()
            ? vacation.getSubject()
            : "Auto: " + originalSubject;
        reply.setSubject(subject, "UTF-8");
        reply.setSentDate(Date.from(clock.instant()));
        reply.setHeader("Auto-Submitted", "auto-replied (vacation)");
        String messageId = original.getMessageID();
        if (messageId != null) {
            reply.setHeader(RFC2822Headers.IN_REPLY_TO, messageId);
            List<String> references = new ArrayList<>();
            String[] previous = original.getHeader("References");
            if (previous != null) {
                references.add(String.join(" ", previous).replaceAll("\\s+", " ").strip());
            }
            references.add(messageId);
            reply.setHeader("References", references.stream().filter(s -> !s.isBlank()).collect(Collectors.joining(" ")));
        }
        if (vacation.getMime() != null) {
            MimeBodyPart part = new MimeBodyPart(new java.io.ByteArrayInputStream(vacation.getMime().getBytes(StandardCharsets.UTF_8)));
            MimeMultipart content = new MimeMultipart("mixed");
            content.addBodyPart(part);
            reply.setContent(content);
        } else {
            reply.setText(Optional.ofNullable(vacation.getReason()).orElse(""), "UTF-8");
        }
        reply.saveChanges();
        return reply;
    }
}
