package dev.mailwright.server.spool;

import org.apache.james.mailetcontainer.impl.JamesMailSpooler;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

/** Our {@link MailSpooler} where James's mailet container module binds its {@code JamesMailSpooler}. */
public class MailSpoolerModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(MailSpooler.class).in(Scopes.SINGLETON);
        bind(JamesMailSpooler.class).to(MailSpooler.class);
    }
}
