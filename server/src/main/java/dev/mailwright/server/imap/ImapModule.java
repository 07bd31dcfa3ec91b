package dev.mailwright.server.imap;

import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.MailboxTyper;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;

/**
 * Our IMAP additions, overriding James's IMAPServerModule bindings: the processor that tells
 * {@link ImapAuthenticationListener}s of every login (failed logins logged, default folders created), and
 * {@code Junk} as the junk folder.
 */
public class ImapModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(ImapProcessor.class).to(AuthenticationObservingProcessor.class);
        bind(MailboxTyper.class).to(JunkFolderTyper.class).in(Scopes.SINGLETON);
        Multibinder<ImapAuthenticationListener> listeners = Multibinder.newSetBinder(binder(), ImapAuthenticationListener.class);
        listeners.addBinding().to(FailedLoginLog.class);
        listeners.addBinding().to(DefaultFolders.class);
        bind(DefaultFolders.class).in(Scopes.SINGLETON);
    }
}
