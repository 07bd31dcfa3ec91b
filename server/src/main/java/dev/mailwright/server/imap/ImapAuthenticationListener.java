package dev.mailwright.server.imap;

import org.apache.james.imap.api.process.ImapSession;

/**
 * Told of every IMAP LOGIN and AUTHENTICATE outcome by {@link AuthenticationObservingProcessor}. Implementations are
 * added with Guice: {@code Multibinder.newSetBinder(binder(), ImapAuthenticationListener.class).addBinding().to(...)}.
 * They run on the IMAP processing thread, before the answer is sent: keep them short.
 */
public interface ImapAuthenticationListener {
    void authenticated(ImapAuthentication authentication, ImapSession session);

    void failed(ImapAuthentication authentication, ImapSession session);
}
