package dev.mailwright.smtp.dkim;

import static dev.mailwright.smtp.testing.DkimSigning.publishKey;
import static dev.mailwright.smtp.testing.DkimSigning.sign;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.mailwright.common.dns.FakeDns;
import dev.mailwright.smtp.dkim.DkimResult.Result;

class DkimVerifierTest {
    static final String MESSAGE = "From: Alice <alice@signer.test>\r\n"
        + "To: bob@example.test\r\n"
        + "Subject: signed\r\n"
        + "Message-ID: <1@signer.test>\r\n"
        + "\r\n"
        + "Hello Bob,\r\n"
        + "this message is signed.\r\n";

    private final FakeDns dns = new FakeDns();
    private final DkimVerifier verifier = new DkimVerifier(dns);

    private List<DkimResult> verify(String message) throws Exception {
        return verifier.verify(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aValidSignaturePassesWithItsDomainSelectorAndSignaturePrefix() throws Exception {
        KeyPair key = publishKey(dns, "s1", "signer.test", 2048);

        List<DkimResult> results = verify(sign(MESSAGE, key, "signer.test", "s1", "rsa-sha256"));

        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result.result()).isEqualTo(Result.PASS);
            assertThat(result.domain()).isEqualTo("signer.test");
            assertThat(result.selector()).isEqualTo("s1");
            assertThat(result.b()).hasSize(12);
        });
    }

    @Test
    void aChangedBodyFails() throws Exception {
        KeyPair key = publishKey(dns, "s1", "signer.test", 2048);
        String tampered = sign(MESSAGE, key, "signer.test", "s1", "rsa-sha256").replace("is signed", "was changed");

        assertThat(verify(tampered)).singleElement().satisfies(result -> {
            assertThat(result.result()).isEqualTo(Result.FAIL);
            assertThat(result.reason()).isEqualTo("body hash did not verify");
        });
    }

    @Test
    void aChangedSignedHeaderFails() throws Exception {
        KeyPair key = publishKey(dns, "s1", "signer.test", 2048);
        String tampered = sign(MESSAGE, key, "signer.test", "s1", "rsa-sha256").replace("Subject: signed", "Subject: forged");

        assertThat(verify(tampered)).singleElement().satisfies(result -> {
            assertThat(result.result()).isEqualTo(Result.FAIL);
            assertThat(result.reason()).isEqualTo("signature did not verify");
        });
    }

    @Test
    void eachSignatureHasItsOwnResult() throws Exception {
        KeyPair good = publishKey(dns, "s1", "signer.test", 2048);
        KeyPair unpublished = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        String once = sign(MESSAGE, good, "signer.test", "s1", "rsa-sha256");
        String twice = sign(once, unpublished, "other.test", "gone", "rsa-sha256");

        assertThat(verify(twice)).extracting(DkimResult::result, DkimResult::domain).containsExactly(
            org.assertj.core.groups.Tuple.tuple(Result.PERMERROR, "other.test"),
            org.assertj.core.groups.Tuple.tuple(Result.PASS, "signer.test"));
    }

    @Test
    void aKeyLookupThatFailsTemporarilyIsATemperror() throws Exception {
        KeyPair key = publishKey(dns, "s1", "signer.test", 2048);
        String signed = sign(MESSAGE, key, "signer.test", "s1", "rsa-sha256");
        dns.failing("s1._domainkey.signer.test");

        assertThat(verify(signed)).singleElement().extracting(DkimResult::result).isEqualTo(Result.TEMPERROR);
    }

    @Test
    void rsaSha1AndShortKeysAreRefusedByPolicy() throws Exception {
        KeyPair key = publishKey(dns, "s1", "signer.test", 2048);
        assertThat(verify(sign(MESSAGE, key, "signer.test", "s1", "rsa-sha1")))
            .singleElement().extracting(DkimResult::result).isEqualTo(Result.POLICY);

        KeyPair weak = publishKey(dns, "weak", "signer.test", 512);
        assertThat(verify(sign(MESSAGE, weak, "signer.test", "weak", "rsa-sha256")))
            .singleElement().extracting(DkimResult::result).isEqualTo(Result.POLICY);
    }

    @Test
    void garbageInTheSignatureFieldIsAPermerror() throws Exception {
        assertThat(verify("DKIM-Signature: this is not a signature\r\n" + MESSAGE))
            .singleElement().extracting(DkimResult::result).isEqualTo(Result.PERMERROR);
    }

    @Test
    void anUnsignedMessageHasNoResults() throws Exception {
        assertThat(verify(MESSAGE)).isEmpty();
    }

    @Test
    void atMostFiveSignaturesAreVerified() throws Exception {
        KeyPair key = publishKey(dns, "s1", "signer.test", 1024);
        String message = MESSAGE;
        for (int i = 0; i < 7; i++) {
            message = sign(message, key, "signer.test", "s1", "rsa-sha256");
        }

        assertThat(verify(message)).hasSize(DkimVerifier.MAX_SIGNATURES);
    }
}
