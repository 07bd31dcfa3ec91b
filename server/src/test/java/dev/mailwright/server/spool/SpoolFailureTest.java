package dev.mailwright.server.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

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
}
