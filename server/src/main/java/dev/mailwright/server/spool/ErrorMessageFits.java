package dev.mailwright.server.spool;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Shortens a mail's error message to what the JPA mail repository keeps (200 characters): James writes the whole
 * exception text there when a mailet fails, and a longer one made the store into the error repository fail
 * (PostgreSQL: "value too long for type character varying(200)"), so the mail could never be kept there.
 */
public class ErrorMessageFits extends GenericMailet {
    @Override
    public void service(Mail mail) {
        String message = mail.getErrorMessage();
        if (message != null && message.length() > 200) {
            mail.setErrorMessage(MailSpooler.fit(message));
        }
    }

    @Override
    public String getMailetInfo() {
        return "Error message shortened to what the mail repository keeps";
    }
}
