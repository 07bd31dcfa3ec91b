package dev.mailwright.server.smtp;

import org.apache.james.smtpserver.netty.SMTPServerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

/** Overrides James's SMTP server factory with {@link MailwrightSmtpServerFactory}. */
public class SmtpServerModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(MailwrightSmtpServerFactory.class).in(Scopes.SINGLETON);
        bind(SMTPServerFactory.class).to(MailwrightSmtpServerFactory.class);
    }
}
