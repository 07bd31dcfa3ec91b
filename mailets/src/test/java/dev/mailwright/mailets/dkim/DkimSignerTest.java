package dev.mailwright.mailets.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.apache.james.jdkim.DKIMCommon;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.impl.Message;
import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.common.testing.TestClock;

/**
 * Signatures checked by jDKIM's verifier (RSA) and by an RFC 8463 check of the Ed25519 signature; the interoperable
 * proof with a third-party verifier (dkimpy) is in it-tests (DkimSigningIT).
 */
class DkimSignerTest {
    private static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");
    private static final String MESSAGE = "From: Alice <alice@example.com>\r\n"
        + "To: bob@remote.test\r\n"
        + "Subject: Quarterly\r\n"
        + "  numbers\r\n"
        + "Date: Sun, 29 Nov 2026 10:00:00 +0000\r\n"
        + "Message-ID: <q1@example.com>\r\n"
        + "Received: from laptop by mail.example.com\r\n"
        + "\r\n"
        + "Hello Bob,\r\n"
        + "\r\n"
        + "the numbers   are in.\r\n";
    @TempDir
    Path directory;

    @Test
    void anRsaSignatureVerifiesWithJdkimAndOversignsTheUsualHeaders() throws Exception {
        DkimKey key = new DkimKeyStore(directory, new TestClock()).generate("example.com", DkimAlgorithm.RSA).get(0);

        String field = DkimSigner.sign(MESSAGE.getBytes(StandardCharsets.US_ASCII), key, NOW);

        assertThat(field).startsWith("DKIM-Signature: ").doesNotContain("\n\r");
        assertThat(field.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(998));
        SignatureRecord record = record(field);
        assertThat(record.getHeaders()).extracting(CharSequence::toString).containsExactly(
            "from", "from", "reply-to", "subject", "subject", "to", "to", "cc",
            "date", "date", "message-id", "message-id");
        assertThat(record.getHeaderCanonicalisationMethod()).isEqualTo("relaxed");
        assertThat(record.getBodyCanonicalisationMethod()).isEqualTo("relaxed");
        assertThat(record.getSignatureTimestamp()).isEqualTo(NOW.getEpochSecond());

        DKIMVerifier verifier = new DKIMVerifier((method, selector, domain) ->
            List.of(key.selector().equals(selector.toString()) && domain.toString().equals("example.com") ? key.record() : ""));
        List<SignatureRecord> verified = verifier.verify(new ByteArrayInputStream((field + "\r\n" + MESSAGE).getBytes(StandardCharsets.US_ASCII)));
        assertThat(verified).hasSize(1);
    }

    @Test
    void aChangedBodyOrAnAddedOversignedHeaderBreaksTheSignatureButAReceivedHeaderDoesNot() throws Exception {
        DkimKey key = new DkimKeyStore(directory, new TestClock()).generate("example.com", DkimAlgorithm.RSA).get(0);
        String field = DkimSigner.sign(MESSAGE.getBytes(StandardCharsets.US_ASCII), key, NOW);
        DKIMVerifier verifier = new DKIMVerifier((method, selector, domain) -> List.of(key.record()));

        assertThat(verifier.verify(stream("Received: from mail.example.com by mx.remote.test\r\n" + field + "\r\n" + MESSAGE)))
            .hasSize(1);
        assertThatThrownBy(() -> verifier.verify(stream(field + "\r\nCc: eve@evil.test\r\n" + MESSAGE)))
            .isInstanceOf(PermFailException.class).hasMessageContaining("Header signature does not verify");
        assertThatThrownBy(() -> verifier.verify(stream(field + "\r\n" + MESSAGE.replace("are in", "are out"))))
            .isInstanceOf(PermFailException.class).hasMessageContaining("bodyhash is different");
    }

    @Test
    void anEd25519SignatureIsEd25519OverTheSha256OfTheCanonicalHeaders() throws Exception {
        DkimKeyStore store = new DkimKeyStore(directory, new TestClock());
        DkimKey key = store.generate("example.com", DkimAlgorithm.ED25519).get(0);

        String field = DkimSigner.sign(MESSAGE.getBytes(StandardCharsets.US_ASCII), key, NOW);

        SignatureRecord record = record(field);
        assertThat(record.getHashKeyType().toString()).isEqualTo("ed25519");
        assertThat(record.getSignature()).hasSize(64);
        Message signed = new Message(stream(field + "\r\n" + MESSAGE));
        Signature check = new Ed25519OverSha256();
        check.initVerify(key.publicKey());
        HeaderCheck.update(signed, record, check);
        assertThat(check.verify(record.getSignature())).isTrue();

        Message tampered = new Message(stream(field + "\r\n" + MESSAGE.replace("Subject: Quarterly", "Subject: Yearly")));
        Signature again = new Ed25519OverSha256();
        again.initVerify(key.publicKey());
        HeaderCheck.update(tampered, record, again);
        assertThat(again.verify(record.getSignature())).isFalse();
    }

    @Test
    void foldingHappensOnlyWhereThereWasWhitespaceOrInsideTheSignatureValue() {
        String b = Base64.getEncoder().encodeToString(new byte[256]);
        String field = "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=20261129r; h=from:from:to:to:subject:subject:date:date;"
            + " bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=" + b + ";";
        String folded = DkimSigner.fold(field);
        assertThat(folded.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(77));
        assertThat(folded.replace("\r\n\t", " ").replace(" b=", " b=")).contains("bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;");
        assertThat(folded.replaceAll("\r\n\t", "").replace(" ", "")).isEqualTo(field.replace(" ", ""));
    }

    private static SignatureRecord record(String field) {
        String value = field.substring(field.indexOf(':') + 1).replace("\r\n\t", " ");
        return new SignatureRecordImpl(value);
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static final class HeaderCheck extends DKIMCommon {
        static void update(Message message, SignatureRecord record, Signature signature) throws Exception {
            SignatureRecord unsigned = new SignatureRecordImpl(record.toString());
            signatureCheck(message, unsigned, unsigned.getHeaders(), signature);
        }
    }
}
