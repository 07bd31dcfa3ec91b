package dev.mailwright.server.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InFlightJournalTest {
    @TempDir
    Path folder;

    @Test
    void marksLeftByTheLastRunNameTheMailsThatWereInFlightUntilTheyAreAcknowledged() {
        InFlightJournal lastRun = new InFlightJournal(folder);
        lastRun.begin("Mail1-acknowledged");
        lastRun.begin("Mail2-cut-" + "x".repeat(400));
        lastRun.end("Mail1-acknowledged");

        InFlightJournal next = new InFlightJournal(folder);
        assertThat(next.wasInFlight("Mail2-cut-" + "x".repeat(400))).isTrue();
        assertThat(next.wasInFlight("Mail1-acknowledged")).isFalse();
        assertThat(next.wasInFlight("Mail3-new")).isFalse();

        next.begin("Mail2-cut-" + "x".repeat(400));
        assertThat(next.wasInFlight("Mail2-cut-" + "x".repeat(400))).as("until acknowledged").isTrue();
        next.end("Mail2-cut-" + "x".repeat(400));
        assertThat(next.wasInFlight("Mail2-cut-" + "x".repeat(400))).isFalse();
        assertThat(new InFlightJournal(folder).wasInFlight("Mail2-cut-" + "x".repeat(400))).isFalse();
    }
}
