package dev.mailwright.mailbox.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BlobIdTest {
    @Test
    void randomIdsAreThirtyTwoLowerCaseHexDigitsAndDiffer() {
        BlobId first = BlobId.random();
        BlobId second = BlobId.random();

        assertThat(first.value()).matches("[0-9a-f]{32}");
        assertThat(second.value()).matches("[0-9a-f]{32}");
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void onlyThirtyTwoLowerCaseHexDigitsAreAnId() {
        assertThat(BlobId.isValid("0123456789abcdef0123456789abcdef")).isTrue();
        assertThat(BlobId.isValid("0123456789ABCDEF0123456789abcdef")).isFalse();
        assertThat(BlobId.isValid("0123456789abcdef0123456789abcde")).isFalse();
        assertThat(BlobId.isValid("0123456789abcdef0123456789abcdef0")).isFalse();
        assertThat(BlobId.isValid("0123456789abcdeg0123456789abcdef")).isFalse();
        assertThat(BlobId.isValid("../3456789abcdef0123456789abcdef")).isFalse();
        assertThat(BlobId.isValid("")).isFalse();
    }

    @Test
    void anythingElseIsRefused() {
        assertThatThrownBy(() -> new BlobId("../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlobId("0123456789abcdef0123456789abcdeF")).isInstanceOf(IllegalArgumentException.class);
    }
}
