package dev.mailwright.server.sieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import org.apache.james.managesieve.api.Session;
import org.apache.james.managesieve.core.CoreProcessor;
import org.apache.james.managesieve.transcode.NotEnoughDataException;
import org.apache.james.managesieve.util.SettableSession;
import org.junit.jupiter.api.Test;

class TlsFirstManageSieveTest {
    private final CoreProcessor core = mock(CoreProcessor.class);
    private final TlsFirstManageSieve commands = new TlsFirstManageSieve(core);

    private static Session session(boolean tls) {
        Session session = new SettableSession();
        session.setSslEnabled(tls);
        return session;
    }

    @Test
    void saslMechanismsAreHiddenBeforeTls() {
        String capabilities = "\"IMPLEMENTATION\" \"Apache ManageSieve v1.0\"\r\n\"SASL\" \"PLAIN\"\r\n\"STARTTLS\"\r\n\"VERSION\" \"1.0\"";

        assertThat(TlsFirstManageSieve.withoutSasl(capabilities))
            .isEqualTo("\"IMPLEMENTATION\" \"Apache ManageSieve v1.0\"\r\n\"SASL\" \"\"\r\n\"STARTTLS\"\r\n\"VERSION\" \"1.0\"");
    }

    @Test
    void authenticateBeforeTlsIsRefused() {
        assertThat(commands.chooseMechanism(session(false), "\"PLAIN\"")).startsWith("NO (ENCRYPT-NEEDED)");
        assertThat(commands.authenticate(session(false), "AGJvYgBzZWNyZXQ=")).startsWith("NO (ENCRYPT-NEEDED)");
        verify(core, never()).chooseMechanism(org.mockito.ArgumentMatchers.any(), org.mockito.ArgumentMatchers.any());
    }

    @Test
    void anInitialResponseAsALiteralIsAwaitedThenAuthenticated() {
        Session session = session(true);
        when(core.chooseMechanism(session, "\"PLAIN\"")).thenAnswer(call -> {
            session.setState(Session.State.AUTHENTICATION_IN_PROGRESS);
            return "+ \"\"";
        });
        when(core.authenticate(session, "AGJvYgBzZWNyZXQ=")).thenReturn("OK");

        assertThatThrownBy(() -> commands.chooseMechanism(session, "\"PLAIN\" {16+}")).isInstanceOf(NotEnoughDataException.class);
        assertThat(commands.chooseMechanism(session, "\"PLAIN\" {16+}\r\nAGJvYgBzZWNyZXQ=\r\n")).isEqualTo("OK");
    }
}
