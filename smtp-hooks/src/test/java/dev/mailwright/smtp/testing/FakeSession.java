package dev.mailwright.smtp.testing;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.Username;
import org.apache.james.protocols.smtp.SMTPConfiguration;
import org.apache.james.protocols.smtp.utils.BaseFakeSMTPSession;
import org.mockito.Mockito;

/**
 * An SMTP session for hook tests: client address, TLS, authenticated user, trusted (relaying) client, HELO name,
 * server name ({@value #SERVER_NAME}) and attachments.
 */
public class FakeSession extends BaseFakeSMTPSession {
    public static final String SERVER_NAME = "mx.example.test";

    private final Map<AttachmentKey<?>, Object> connection = new HashMap<>();
    private final Map<AttachmentKey<?>, Object> transaction = new HashMap<>();
    private final InetSocketAddress remote;
    private boolean tls;
    private Username username;
    private boolean relayingAllowed;

    public FakeSession(String clientIp) {
        this.remote = new InetSocketAddress(clientIp, 40000);
    }

    public FakeSession tls(boolean started) {
        this.tls = started;
        return this;
    }

    public FakeSession authenticatedAs(String user) {
        this.username = Username.of(user);
        return this;
    }

    /** As a client of {@code <authorizedAddresses>} (e.g. loopback). */
    public FakeSession relayingAllowed() {
        this.relayingAllowed = true;
        return this;
    }

    public FakeSession helo(String name) {
        setAttachment(CURRENT_HELO_NAME, name, State.Connection);
        return this;
    }

    @Override
    public SMTPConfiguration getConfiguration() {
        SMTPConfiguration configuration = Mockito.mock(SMTPConfiguration.class);
        Mockito.when(configuration.getHelloName()).thenReturn(SERVER_NAME);
        return configuration;
    }

    @Override
    public boolean isTLSStarted() {
        return tls;
    }

    @Override
    public Optional<javax.net.ssl.SSLSession> getSSLSession() {
        return Optional.empty();
    }

    @Override
    public Username getUsername() {
        return username;
    }

    @Override
    public void setUsername(Username username) {
        this.username = username;
    }

    @Override
    public boolean isRelayingAllowed() {
        return relayingAllowed;
    }

    @Override
    public void setRelayingAllowed(boolean relayingAllowed) {
        this.relayingAllowed = relayingAllowed;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return remote;
    }

    @Override
    public String getSessionID() {
        return "test-session";
    }

    @Override
    public void resetState() {
        transaction.clear();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> setAttachment(AttachmentKey<T> key, T value, State state) {
        return Optional.ofNullable((T) map(state).put(key, value));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> removeAttachment(AttachmentKey<T> key, State state) {
        return Optional.ofNullable((T) map(state).remove(key));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> getAttachment(AttachmentKey<T> key, State state) {
        return Optional.ofNullable((T) map(state).get(key));
    }

    private Map<AttachmentKey<?>, Object> map(State state) {
        return state == State.Connection ? connection : transaction;
    }
}
