package dev.mailwright.server.protocols;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class KnownClientsTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T00:00:00Z"));
    private final KnownClients clients = new KnownClients(new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    });

    @Test
    void aClientIsKnownForSevenDaysAfterItsLastDelivery() throws Exception {
        InetAddress client = InetAddress.getByName("192.0.2.7");
        assertThat(clients.isKnown(client)).isFalse();

        clients.delivered(client);
        now.set(now.get().plus(Duration.ofDays(6)));
        assertThat(clients.isKnown(client)).isTrue();

        now.set(now.get().plus(Duration.ofDays(2)));
        assertThat(clients.isKnown(client)).isFalse();
    }

    @Test
    void theOldestAreForgottenBeyondTheCapacity() throws Exception {
        InetAddress first = InetAddress.getByName("10.0.0.1");
        clients.delivered(first);
        for (int i = 0; i < KnownClients.CAPACITY; i++) {
            clients.delivered(InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i}));
        }
        assertThat(clients.isKnown(first)).isFalse();
    }
}
