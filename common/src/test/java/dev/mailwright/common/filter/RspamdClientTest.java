package dev.mailwright.common.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class RspamdClientTest {

    private static RspamdClient.Verdict parse(String json) throws ScanUnavailable {
        return RspamdClient.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsActionScoreReasonAndSymbols() throws Exception {
        // as rspamd 3.4 answers a GTUBE message (abridged)
        RspamdClient.Verdict verdict = parse("{\"is_skipped\":false,\"score\":15.0,\"required_score\":15.0,\"action\":\"reject\","
            + "\"symbols\":{\"GTUBE\":{\"name\":\"GTUBE\",\"score\":15.0}},\"messages\":{\"smtp_message\":\"Gtube pattern\"}}");

        assertThat(verdict.action()).isEqualTo(RspamdClient.Action.REJECT);
        assertThat(verdict.score()).isEqualTo(15.0);
        assertThat(verdict.message()).isEqualTo("Gtube pattern");
        assertThat(verdict.topSymbols(5)).isEqualTo("GTUBE(15.00)");
    }

    @Test
    void everyActionOfRspamdIsKnown() throws Exception {
        for (String action : new String[] {"no action", "greylist", "add header", "rewrite subject", "soft reject", "reject"}) {
            assertThat(parse("{\"action\":\"" + action + "\",\"score\":1,\"required_score\":15}").action().wire()).isEqualTo(action);
        }
        assertThat(parse("{\"action\":\"rewrite subject\",\"subject\":\"*** SPAM *** hi\"}").subject()).isEqualTo("*** SPAM *** hi");
    }

    @Test
    void symbolsAreListedLargestFirst() throws Exception {
        RspamdClient.Verdict verdict = parse("{\"action\":\"add header\",\"symbols\":{\"A\":{\"score\":0.5},"
            + "\"B\":{\"score\":3.0},\"C\":{\"score\":-1.0}}}");

        assertThat(verdict.topSymbols(2)).isEqualTo("B(3.00), C(-1.00)");
    }

    @Test
    void answersWithoutActionAreFailures() {
        assertThatThrownBy(() -> parse("{\"error\":\"message has no content\"}"))
            .isInstanceOf(ScanUnavailable.class).hasMessageContaining("message has no content");
        assertThatThrownBy(() -> parse("<html>")).isInstanceOf(ScanUnavailable.class);
        assertThatThrownBy(() -> parse("{\"action\":\"discard\"}")).isInstanceOf(ScanUnavailable.class);
    }

    @Test
    void clamdAddresses() {
        assertThat(ClamdClient.parse("127.0.0.1:3310").toString()).contains("127.0.0.1").contains("3310");
        assertThat(ClamdClient.parse("[::1]:3310").toString()).contains("3310");
        assertThat(ClamdClient.parse("unix:/run/clamav/clamd.ctl").toString()).contains("/run/clamav/clamd.ctl");
        assertThatThrownBy(() -> ClamdClient.parse("clamd")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> ClamdClient.parse("clamd:x")).hasMessageContaining("port");
    }
}
