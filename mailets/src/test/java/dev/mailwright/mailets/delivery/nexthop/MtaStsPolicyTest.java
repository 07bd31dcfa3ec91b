package dev.mailwright.mailets.delivery.nexthop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class MtaStsPolicyTest {

    @Test
    void parsesTheRfc8461Example() {
        MtaStsPolicy policy = MtaStsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
            + "mx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n");
        assertThat(policy.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
        assertThat(policy.maxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(policy.mxPatterns()).containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
    }

    @Test
    void aWildcardCoversExactlyOneLeftmostLabel() {
        MtaStsPolicy policy = MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: *.example.net\nmx: mail.example.com\nmax_age: 60\n");
        assertThat(policy.allows("mx1.example.net")).isTrue();
        assertThat(policy.allows("MX1.Example.NET.")).isTrue();
        assertThat(policy.allows("a.b.example.net")).isFalse();
        assertThat(policy.allows("example.net")).isFalse();
        assertThat(policy.allows("mail.example.com")).isTrue();
        assertThat(policy.allows("mail.example.com.evil.test")).isFalse();
    }

    @Test
    void unknownFieldsAreIgnoredAndMaxAgeIsCappedAtOneYear() {
        MtaStsPolicy policy = MtaStsPolicy.parse("version: STSv1\nmode: testing\nmx: a.test\nmax_age: 99999999999\nfuture: x\n");
        assertThat(policy.mode()).isEqualTo(MtaStsPolicy.Mode.TESTING);
        assertThat(policy.maxAge()).isEqualTo(Duration.ofSeconds(31_557_600));
    }

    @Test
    void invalidPoliciesAreRefused() {
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv2\nmode: enforce\nmx: a\nmax_age: 1\n"))
            .hasMessageContaining("STSv1");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: strict\nmx: a\nmax_age: 1\n"))
            .hasMessageContaining("unknown mode");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmax_age: 1\n"))
            .hasMessageContaining("mx is required");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: a\n"))
            .hasMessageContaining("max_age");
        assertThatThrownBy(() -> MtaStsPolicy.parse("<html>not a policy</html>")).hasMessageContaining("key: value");
        assertThat(MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 1\n").mode()).isEqualTo(MtaStsPolicy.Mode.NONE);
    }
}
