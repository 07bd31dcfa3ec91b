package dev.mailwright.smtp.log;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandDispatcher;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.HeloCmdHandler;
import org.apache.james.protocols.smtp.core.MailCmdHandler;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;
import org.apache.james.protocols.smtp.core.RsetCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.EhloCmdHandler;
import org.apache.james.protocols.smtp.core.AbstractHookableCmdHandler;
import org.apache.james.protocols.api.OidcSASLConfiguration;
import org.apache.james.protocols.smtp.hook.AuthHook;
import org.apache.james.protocols.smtp.hook.Hook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookResultHook;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line per SMTP transaction outcome on the logger {@code dev.mailwright.smtp.transactions}:
 * {@code outcome=accepted} with the queue id once a message got its reply after DATA, {@code outcome=rejected} for
 * every refused MAIL, RCPT or DATA, with the client, HELO, TLS, authenticated user, envelope and the exact reply,
 * and for every failed AUTH ({@code stage=AUTH}, with the user name tried), so that fail2ban or a SIEM can act on
 * password guessing.
 *
 * <p>Replies to commands are seen as command results; the reply after DATA comes from the message hooks (James's
 * own {@code SendMailHandler} answers 250 once the mail is queued, size and policy hooks answer 4xx/5xx), seen as
 * hook results. It only observes: every response and hook result is returned unchanged; as a MAIL, AUTH and message
 * hook it declines (it runs first and records the sender given, the user name tried and the queue id, which James
 * keeps nowhere when it refuses).
 *
 * <p>Every value taken from the client is written without control characters, and quoted when it has spaces: a
 * client cannot forge a second log line.
 */
public class TransactionLogger implements ProtocolHandlerResultHandler<Response, SMTPSession>, JamesMessageHook, HookResultHook,
    MailHook, AuthHook {
    static final Logger TRANSACTIONS = LoggerFactory.getLogger("dev.mailwright.smtp.transactions");
    private static final ProtocolSession.AttachmentKey<Transaction> TRANSACTION =
        ProtocolSession.AttachmentKey.of("mailwright.transaction-log", Transaction.class);
    private static final String AUTH_FAILED = "535";

    /** What the log line needs about the current transaction; kept per connection, reset after each outcome. */
    static final class Transaction {
        String sender;
        /** The sender of the MAIL command under way (James keeps it only once MAIL is accepted). */
        String attemptedSender;
        /** The user name of the AUTH under way. */
        String attemptedUser;
        final List<String> recipients = new ArrayList<>();
        String mailName;
        long size = -1;

        void reset() {
            sender = null;
            recipients.clear();
            mailName = null;
            size = -1;
        }
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        transaction(session).attemptedSender = sender.asString();
        return HookResult.DECLINED;
    }

    @Override
    public HookResult doAuth(SMTPSession session, Username username, String password) {
        transaction(session).attemptedUser = username.asString();
        return HookResult.DECLINED;
    }

    @Override
    public HookResult doSasl(SMTPSession session, OidcSASLConfiguration configuration, String initialResponse) {
        return HookResult.DECLINED;
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        Transaction transaction = transaction(session);
        transaction.mailName = mail.getName();
        try {
            transaction.size = mail.getMessageSize();
        } catch (Exception e) {
            transaction.size = -1;
        }
        return HookResult.DECLINED;
    }

    @Override
    public HookResult onHookResult(SMTPSession session, HookResult result, long executionTime, Hook hook) {
        if ((hook instanceof MessageHook || hook instanceof JamesMessageHook)
            && result.getResult().getAction() != HookReturnCode.Action.DECLINED) {
            try {
                Transaction transaction = transaction(session);
                Response reply = AbstractHookableCmdHandler.calcDefaultSMTPResponse(result);
                if (reply != null) {
                    boolean accepted = reply.getRetCode().startsWith("2");
                    log(session, accepted ? "accepted" : "rejected", "DATA", transaction.sender, transaction.recipients, transaction, reply);
                }
                transaction.reset();
            } catch (RuntimeException e) {
                TRANSACTIONS.debug("Could not log SMTP outcome", e);
            }
        }
        return result;
    }

    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime, ProtocolHandler handler) {
        if (response == null || handler instanceof CommandDispatcher || !(session instanceof SMTPSession smtp)) {
            return response;
        }
        try {
            observe(smtp, response, handler);
        } catch (RuntimeException e) {
            TRANSACTIONS.debug("Could not log SMTP outcome", e);
        }
        return response;
    }

    private void observe(SMTPSession session, Response response, ProtocolHandler handler) {
        Transaction transaction = transaction(session);
        String code = response.getRetCode();
        boolean success = code.startsWith("2");
        boolean intermediate = code.startsWith("3");
        if (AUTH_FAILED.equals(code)) {
            logAuthFailure(session, transaction, response);
        } else if (handler instanceof HeloCmdHandler || handler instanceof EhloCmdHandler || handler instanceof RsetCmdHandler) {
            transaction.reset();
        } else if (handler instanceof MailCmdHandler) {
            String attempted = transaction.attemptedSender;
            transaction.reset();
            transaction.attemptedSender = null;
            // "?" only when James refused the command before reading a sender (syntax, no HELO...)
            String sender = session.getAttachment(SMTPSession.SENDER, ProtocolSession.State.Transaction)
                .map(s -> s.asString()).orElse(attempted == null ? "?" : attempted);
            if (success) {
                transaction.sender = sender;
            } else {
                log(session, "rejected", "MAIL", sender, List.of(), transaction, response);
            }
        } else if (handler instanceof RcptCmdHandler) {
            String recipient = session.getAttachment(RcptCmdHandler.CURRENT_RECIPIENT, ProtocolSession.State.Transaction)
                .map(MailAddress::asString).orElse("?");
            if (success) {
                transaction.recipients.add(recipient);
            } else {
                log(session, "rejected", "RCPT", transaction.sender, List.of(recipient), transaction, response);
            }
        } else if (handler instanceof DataCmdHandler && !intermediate) {
            log(session, "rejected", "DATA", transaction.sender, transaction.recipients, transaction, response);
        }
    }

    /** {@code smtp outcome=rejected stage=AUTH client=IP ... user=NAME reply="535 ..."}: one line per failed AUTH. */
    private void logAuthFailure(SMTPSession session, Transaction transaction, Response response) {
        String user = transaction.attemptedUser;
        transaction.attemptedUser = null;
        if (!TRANSACTIONS.isInfoEnabled()) {
            return;
        }
        StringBuilder line = new StringBuilder(200).append("smtp outcome=rejected stage=AUTH");
        client(session, line);
        line.append(" user=").append(user == null ? "-" : LogValues.quoteIfNeeded(user));
        reply(response, line);
        TRANSACTIONS.info(line.toString());
    }

    private void log(SMTPSession session, String outcome, String stage, String sender, List<String> recipients,
                     Transaction transaction, Response response) {
        if (!TRANSACTIONS.isInfoEnabled()) {
            return;
        }
        StringBuilder line = new StringBuilder(256).append("smtp outcome=").append(outcome);
        if (!"accepted".equals(outcome)) {
            line.append(" stage=").append(stage);
        }
        if (transaction.mailName != null && "DATA".equals(stage)) {
            line.append(" id=").append(transaction.mailName);
        }
        client(session, line);
        Optional.ofNullable(session.getUsername()).ifPresent(user -> line.append(" auth=").append(LogValues.quoteIfNeeded(user.asString())));
        line.append(" from=<").append(sender == null ? "" : LogValues.clean(sender)).append('>');
        line.append(" to=").append(recipients.isEmpty() ? "-" : "<" + LogValues.clean(String.join(">,<", recipients)) + ">");
        if (transaction.size >= 0 && "DATA".equals(stage)) {
            line.append(" size=").append(transaction.size);
        }
        reply(response, line);
        TRANSACTIONS.info(line.toString());
    }

    private static void client(SMTPSession session, StringBuilder line) {
        line.append(" client=").append(session.getRemoteAddress().getAddress().getHostAddress());
        session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection)
            .ifPresent(helo -> line.append(" helo=").append(LogValues.quoteIfNeeded(helo)));
        line.append(" tls=").append(session.isTLSStarted() ? tlsVersion(session) : "no");
    }

    private static void reply(Response response, StringBuilder line) {
        line.append(" reply=\"").append(response.getRetCode()).append(' ')
            .append(LogValues.clean(String.join(" ", response.getLines().stream()
                .map(CharSequence::toString)
                .map(l -> l.startsWith(response.getRetCode()) ? l.substring(response.getRetCode().length()).strip() : l)
                .toList())).replace('"', '\''))
            .append('"');
    }

    private static String tlsVersion(SMTPSession session) {
        return session.getSSLSession().map(ssl -> ssl.getProtocol()).orElse("yes");
    }

    private static Transaction transaction(SMTPSession session) {
        Optional<Transaction> existing = session.getAttachment(TRANSACTION, ProtocolSession.State.Connection);
        if (existing.isPresent()) {
            return existing.get();
        }
        Transaction created = new Transaction();
        session.setAttachment(TRANSACTION, created, ProtocolSession.State.Connection);
        return created;
    }
}
