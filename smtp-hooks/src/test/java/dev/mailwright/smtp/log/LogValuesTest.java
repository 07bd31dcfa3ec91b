package dev.mailwright.smtp.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogValuesTest {
    @Test
    void aLineBreakCannotStartAForgedLine() {
        assertThat(LogValues.clean("bob\r\n2026-12-01 imap auth failed client=192.0.2.66"))
            .isEqualTo("bob??2026-12-01 imap auth failed client=192.0.2.66");
    }

    @Test
    void valuesWithSpacesOrQuotesAreQuoted() {
        assertThat(LogValues.quoteIfNeeded("alice@example.test")).isEqualTo("alice@example.test");
        assertThat(LogValues.quoteIfNeeded("a b")).isEqualTo("\"a b\"");
        assertThat(LogValues.quoteIfNeeded("a\"b")).isEqualTo("\"a'b\"");
        assertThat(LogValues.quoteIfNeeded("")).isEqualTo("\"\"");
    }
}
