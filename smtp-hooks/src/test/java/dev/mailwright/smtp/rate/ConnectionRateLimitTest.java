package dev.mailwright.smtp.rate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.api.Response;
import org.junit.jupiter.api.Test;

import dev.mailwright.common.testing.TestClock;
import dev.mailwright.smtp.policy.LocalCounters;
import dev.mailwright.smtp.testing.FakeSession;
import dev.mailwright.smtp.testing.HandlerConfig;

class ConnectionRateLimitTest {
    private final TestClock clock = new TestClock();

    private ConnectionRateLimit configured(String xml) throws Exception {
        ConnectionRateLimit handler = new ConnectionRateLimit(new LocalCounters(clock), new RecordingMetricFactory());
        handler.init(HandlerConfig.of(xml));
        return handler;
    }

    @Test
    void connectionsOverTheLimitGetA421AndAreClosed() throws Exception {
        ConnectionRateLimit handler = configured("<connectionsPerClient>2/10s</connectionsPerClient>");
        assertThat(handler.onConnect(new FakeSession("203.0.113.5")).getLines()).isEmpty();
        assertThat(handler.onConnect(new FakeSession("203.0.113.5")).getLines()).isEmpty();

        Response third = handler.onConnect(new FakeSession("203.0.113.5"));

        assertThat(third.getRetCode()).isEqualTo("421");
        assertThat(third.getLines()).singleElement().asString()
            .isEqualTo("421 4.7.0 Too many connections from 203.0.113.5 (limit 2 per 10 seconds), try again in 10 seconds");
        assertThat(third.isEndSession()).isTrue();
        clock.advance(Duration.ofSeconds(10));
        assertThat(handler.onConnect(new FakeSession("203.0.113.5")).getLines()).isEmpty();
    }

    @Test
    void trustedAndExemptClientsAreNotCounted() throws Exception {
        ConnectionRateLimit handler = configured("<connectionsPerClient>1/1m</connectionsPerClient><exemptNetworks>192.0.2.0/24</exemptNetworks>");
        for (int i = 0; i < 3; i++) {
            assertThat(handler.onConnect(new FakeSession("127.0.0.1").relayingAllowed()).getLines()).isEmpty();
            assertThat(handler.onConnect(new FakeSession("192.0.2.200")).getLines()).isEmpty();
        }
    }

    @Test
    void acceptingSendsNothingButIsNeverNull() throws Exception {
        // James's JMX handler statistics fail on a null connect response
        assertThat(configured("").onConnect(new FakeSession("203.0.113.5"))).isNotNull();
    }

    @Test
    void withoutALimitNothingIsCounted() throws Exception {
        ConnectionRateLimit handler = configured("");
        for (int i = 0; i < 100; i++) {
            assertThat(handler.onConnect(new FakeSession("203.0.113.5")).getLines()).isEmpty();
        }
    }
}
