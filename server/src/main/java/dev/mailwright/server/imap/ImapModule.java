package dev.mailwright.server.imap;

import org.apache.james.imap.api.process.MailboxTyper;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;

/**
 * Our IMAP folder conventions, overriding James's IMAPServerModule bindings: {@code Junk} is the junk folder
 * ({@link JunkFolderTyper}), and the default folders are created at a user's first login ({@link DefaultFolders},
 * an {@link ImapAuthenticationListener}: {@link ImapServerModule} wraps the processor that tells them).
 */
public class ImapModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(MailboxTyper.class).to(JunkFolderTyper.class).in(Scopes.SINGLETON);
        bind(DefaultFolders.class).in(Scopes.SINGLETON);
        Multibinder.newSetBinder(binder(), ImapAuthenticationListener.class).addBinding().to(DefaultFolders.class);
    }
}
