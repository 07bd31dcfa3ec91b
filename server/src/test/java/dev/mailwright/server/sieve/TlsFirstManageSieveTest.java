package dev.mailwright.server.sieve;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TlsFirstManageSieveTest {

    @Test
    void saslMechanismsAreHiddenBeforeTls() {
        String capabilities = "\"IMPLEMENTATION\" \"Apache ManageSieve v1.0\"\r\n\"SASL\" \"PLAIN\"\r\n\"STARTTLS\"\r\n\"VERSION\" \"1.0\"";

        assertThat(TlsFirstManageSieve.withoutSasl(capabilities))
            .isEqualTo("\"IMPLEMENTATION\" \"Apache ManageSieve v1.0\"\r\n\"SASL\" \"\"\r\n\"STARTTLS\"\r\n\"VERSION\" \"1.0\"");
    }
}
