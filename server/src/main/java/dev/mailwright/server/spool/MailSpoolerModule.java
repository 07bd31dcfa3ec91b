package dev.mailwright.server.spool;

import java.io.FileNotFoundException;

import javax.inject.Singleton;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.mailetcontainer.impl.JamesMailSpooler;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;

/** Our {@link MailSpooler} where James's mailet container module binds its {@code JamesMailSpooler}. */
public class MailSpoolerModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(MailSpooler.class).in(Scopes.SINGLETON);
        bind(JamesMailSpooler.class).to(MailSpooler.class);
    }

    /** Marks of the mails being processed, next to the queue store ({@code <data>/queue/in-flight}). */
    @Provides
    @Singleton
    InFlightJournal inFlightJournal(FileSystem fileSystem) throws FileNotFoundException {
        return new InFlightJournal(fileSystem.getFile("file://var/queue/in-flight").toPath());
    }
}
