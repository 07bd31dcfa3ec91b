package dev.mailwright.server.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class SpoolFailureTest {
    @Test
    void anErrorIsKeptAtOnce() {
        assertThat(SpoolFailure.decide(new StackOverflowError(), 1, 5)).isEqualTo(SpoolFailure.ERROR_REPOSITORY);
    }

    @Test
    void anExceptionIsRetriedUpToTheMaximum() {
        assertThat(SpoolFailure.decide(new IOException("db"), 1, 5)).isEqualTo(SpoolFailure.RETRY);
        assertThat(SpoolFailure.decide(new IOException("db"), 5, 5)).isEqualTo(SpoolFailure.RETRY);
        assertThat(SpoolFailure.decide(new IOException("db"), 6, 5)).isEqualTo(SpoolFailure.ERROR_REPOSITORY);
    }

    @Test
    void retriesWaitLongerEachTime() {
        assertThat(SpoolFailure.retryDelay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(SpoolFailure.retryDelay(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(SpoolFailure.retryDelay(5)).isEqualTo(Duration.ofMinutes(15));
        assertThat(SpoolFailure.retryDelay(9)).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void aMailThatCannotBeQueuedAgainIsTriedAgainAfterADoublingWaitUpToTheLongest() {
        assertThat(SpoolFailure.longer(Duration.ofSeconds(1), Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(2));
        assertThat(SpoolFailure.longer(Duration.ofSeconds(16), Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        assertThat(SpoolFailure.longer(Duration.ofSeconds(30), Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
    }
}
