package dev.mailwright.smtp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.time.Duration;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.api.BaseRequest;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandDispatcher;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;
import org.junit.jupiter.api.Test;

import dev.mailwright.common.testing.TestClock;
import dev.mailwright.smtp.policy.LocalCounters;
import dev.mailwright.smtp.testing.FakeSession;
import dev.mailwright.smtp.testing.HandlerConfig;

class AuthFailureGuardTest {
    private static final Response FAILED = new SMTPResponse("535", "Authentication Failed");
    private final TestClock clock = new TestClock();
    private final AuthCmdHandler auth = mock(AuthCmdHandler.class);

    private AuthFailureGuard configured(String xml) throws Exception {
        AuthFailureGuard guard = new AuthFailureGuard(new AuthFailures(new LocalCounters(clock)), new RecordingMetricFactory());
        guard.init(HandlerConfig.of(xml));
        return guard;
    }

    private static Response authCommand(AuthFailureGuard guard, FakeSession session) {
        return guard.onCommand(session, new BaseRequest("AUTH", "PLAIN AGJvYgBndWVzcw=="));
    }

    @Test
    void afterTheLastAllowedFailureAuthIsRefusedAndTheConnectionClosed() throws Exception {
        AuthFailureGuard guard = configured("<maxFailures>3</maxFailures><window>10 minutes</window><lockout>30 minutes</lockout>");
        FakeSession session = new FakeSession("203.0.113.5").tls(true);
        for (int i = 0; i < 3; i++) {
            assertThat(authCommand(guard, session)).as("AUTH %d goes to James", i).isNull();
            assertThat(guard.onResponse(session, FAILED, 1, auth)).isSameAs(FAILED);
        }

        Response refused = authCommand(guard, new FakeSession("203.0.113.5").tls(true));

        assertThat(refused.getRetCode()).isEqualTo("421");
        assertThat(refused.getLines()).singleElement().asString()
            .isEqualTo("421 4.7.0 Too many failed authentication attempts from 203.0.113.5, try again in 1800 seconds");
        assertThat(refused.isEndSession()).isTrue();
        assertThat(authCommand(guard, new FakeSession("203.0.113.6").tls(true))).as("other clients").isNull();

        clock.advance(Duration.ofMinutes(31));
        assertThat(authCommand(guard, session)).as("lockout over").isNull();
    }

    @Test
    void failuresOutsideTheWindowDoNotAddUp() throws Exception {
        AuthFailureGuard guard = configured("<maxFailures>2</maxFailures><window>1 minute</window>");
        FakeSession session = new FakeSession("203.0.113.5");
        guard.onResponse(session, FAILED, 1, auth);
        clock.advance(Duration.ofMinutes(2));
        guard.onResponse(session, FAILED, 1, auth);

        assertThat(authCommand(guard, session)).isNull();
    }

    @Test
    void onlyFailedAuthenticationsCount() throws Exception {
        AuthFailureGuard guard = configured("<maxFailures>1</maxFailures>");
        FakeSession session = new FakeSession("203.0.113.5");
        guard.onResponse(session, new SMTPResponse("235", "Authentication Successful"), 1, auth);
        guard.onResponse(session, new SMTPResponse("501", "Could not decode parameters for AUTH PLAIN"), 1, auth);
        guard.onResponse(session, FAILED, 1, mock(CommandDispatcher.class));

        assertThat(authCommand(guard, session)).isNull();
    }

    @Test
    void exemptNetworksAreNeverLocked() throws Exception {
        AuthFailureGuard guard = configured("<maxFailures>1</maxFailures><exemptNetworks>127.0.0.1</exemptNetworks>");
        FakeSession webmail = new FakeSession("127.0.0.1");
        guard.onResponse(webmail, FAILED, 1, auth);
        guard.onResponse(webmail, FAILED, 1, auth);

        assertThat(authCommand(guard, webmail)).isNull();
    }

    @Test
    void reportModeRecordsTheLockoutButDoesNotEnforceIt() throws Exception {
        AuthFailureGuard guard = configured("<mode>report</mode><maxFailures>1</maxFailures>");
        FakeSession session = new FakeSession("203.0.113.5");
        guard.onResponse(session, FAILED, 1, auth);

        assertThat(authCommand(guard, session)).isNull();
    }
}
