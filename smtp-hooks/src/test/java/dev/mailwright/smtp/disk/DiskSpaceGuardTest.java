package dev.mailwright.smtp.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.junit.jupiter.api.Test;

import dev.mailwright.smtp.testing.FakeSession;

class DiskSpaceGuardTest {
    private final AtomicLong free = new AtomicLong(Long.MAX_VALUE);
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T00:00:00Z"));
    private final DiskSpaceGuard guard = new DiskSpaceGuard(new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }, folder -> free.get());

    private HookResult mailFrom() {
        return guard.doMail(new FakeSession("192.0.2.1"), MaybeSender.nullSender());
    }

    private void configure(String minFree) throws Exception {
        BaseHierarchicalConfiguration configuration = new BaseHierarchicalConfiguration();
        configuration.addProperty("folder", "/var/lib/mailwright");
        configuration.addProperty("minFree", minFree);
        guard.init(configuration);
    }

    @Test
    void takesMailWhileEnoughIsFree() throws Exception {
        configure("100M");
        free.set(200L * 1024 * 1024);

        assertThat(mailFrom()).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void refusesTemporarilyWhenTheDiskIsNearlyFullAndTakesMailAgainOnceFreed() throws Exception {
        configure("100M");
        free.set(10L * 1024 * 1024);

        HookResult refused = mailFrom();
        assertThat(refused.getSmtpRetCode()).isEqualTo("452");
        assertThat(refused.getSmtpDescription()).startsWith("4.3.1");

        free.set(500L * 1024 * 1024);
        assertThat(mailFrom().getSmtpRetCode()).as("read at most once a second").isEqualTo("452");
        now.set(now.get().plusSeconds(2));
        assertThat(mailFrom()).isEqualTo(HookResult.DECLINED);
    }
}
