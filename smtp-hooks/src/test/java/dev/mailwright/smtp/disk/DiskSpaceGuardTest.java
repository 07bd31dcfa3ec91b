package dev.mailwright.smtp.disk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.junit.jupiter.api.Test;

import dev.mailwright.common.testing.TestClock;
import dev.mailwright.smtp.testing.FakeSession;

class DiskSpaceGuardTest {
    private final AtomicLong free = new AtomicLong(Long.MAX_VALUE);
    private final TestClock clock = new TestClock();
    private final DiskSpaceGuard guard = new DiskSpaceGuard(clock, folder -> free.get());

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
        clock.advance(Duration.ofSeconds(2));
        assertThat(mailFrom()).isEqualTo(HookResult.DECLINED);
    }
}
