package dev.mailwright.mailets.dkim;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.james.jdkim.DKIMCommon;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;
import org.apache.james.jdkim.impl.Message;
import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;
import org.apache.james.mime4j.MimeException;

/**
 * Makes the {@code DKIM-Signature} field of a message (RFC 6376; RFC 8463 for Ed25519) with jDKIM's canonicalization
 * and hashing: relaxed/relaxed, SHA-256, no body length limit, the signing time, and these header fields:
 * <ul>
 *   <li>signed and oversigned (listed once more than they occur, so that none can be added after signing, even when
 *       absent): {@code From}, {@code Reply-To}, {@code Subject}, {@code To}, {@code Cc};</li>
 *   <li>signed and oversigned when present: {@code Date}, {@code Message-ID}, {@code In-Reply-To},
 *       {@code References}, {@code MIME-Version}, {@code Content-Type}, {@code Content-Transfer-Encoding},
 *       {@code Sender}, {@code Autocrypt}, {@code OpenPGP};</li>
 *   <li>signed when present, not oversigned, so that the {@code List-*}, {@code Resent-*} and {@code Sender} fields
 *       mailing lists and forwarders add later do not break the signature: {@code List-Id}, {@code List-Unsubscribe}...</li>
 * </ul>
 * {@code Received}, {@code Return-Path} and other signatures are never signed: they change on the way.
 *
 * <p>The signer only computes; the caller adds the field on top of the message, changing nothing else, so
 * signatures already present (a forwarded message, a mailing list) stay valid.
 */
public final class DkimSigner {
    static final List<String> OVERSIGNED = List.of("from", "reply-to", "subject", "to", "cc");
    static final List<String> OVERSIGNED_WHEN_PRESENT = List.of("date", "message-id", "in-reply-to", "references",
        "mime-version", "content-type", "content-transfer-encoding", "sender", "autocrypt", "openpgp");
    static final List<String> SIGNED_WHEN_PRESENT = List.of("list-id", "list-help", "list-unsubscribe",
        "list-unsubscribe-post", "list-subscribe", "list-post", "list-owner", "list-archive", "resent-date",
        "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-message-id");
    private static final Set<String> NEVER = Set.of("received", "return-path", "dkim-signature", "arc-seal",
        "arc-message-signature", "arc-authentication-results", "authentication-results");
    private static final int LINE = 76;

    private DkimSigner() {
    }

    /** A failure to sign: a message jDKIM cannot parse, a broken key. */
    public static final class SigningException extends Exception {
        SigningException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The field {@code DKIM-Signature: ...} (folded, without the final CRLF) for {@code message}, the exact bytes that
     * will be sent (CRLF line ends), signed by {@code key} at {@code now}.
     */
    public static String sign(byte[] message, DkimKey key, Instant now) throws SigningException {
        try {
            Message parsed = new Message(new ByteArrayInputStream(message));
            try {
                SignatureRecord record = new OrderedRecord("v=1; a=" + key.algorithm().signatureAlgorithm()
                    + "; c=relaxed/relaxed; d=" + key.domain() + "; s=" + key.selector() + "; t=" + now.getEpochSecond()
                    + "; h=" + String.join(":", headersToSign(parsed)) + "; bh=; b=;");
                BodyHasherImpl body = new BodyHasherImpl(record);
                DKIMCommon.streamCopy(parsed.getBodyInputStream(), body.getOutputStream());
                record.setBodyHash(body.getDigest());
                Signature signature = key.algorithm().newSignature();
                signature.initSign(key.privateKey());
                HeaderHash.update(parsed, record, signature);
                record.setSignature(signature.sign());
                return fold("DKIM-Signature:" + record);
            } finally {
                parsed.dispose();
            }
        } catch (IOException | MimeException | PermFailException | GeneralSecurityException | IllegalStateException e) {
            throw new SigningException("cannot sign for " + key.domain() + " with " + key.selector() + ": " + e.getMessage(), e);
        }
    }

    /** The {@code h=} list for this message, in the order above. */
    static List<String> headersToSign(Message message) {
        List<String> names = new ArrayList<>();
        for (String name : OVERSIGNED) {
            repeat(names, name, count(message, name) + 1);
        }
        for (String name : OVERSIGNED_WHEN_PRESENT) {
            int present = count(message, name);
            repeat(names, name, present == 0 ? 0 : present + 1);
        }
        for (String name : SIGNED_WHEN_PRESENT) {
            if (!NEVER.contains(name)) {
                repeat(names, name, count(message, name));
            }
        }
        return names;
    }

    private static int count(Message message, String name) {
        List<String> fields = message.getFields(name.toLowerCase(Locale.ROOT));
        return fields == null ? 0 : fields.size();
    }

    private static void repeat(List<String> names, String name, int times) {
        for (int i = 0; i < times; i++) {
            names.add(name);
        }
    }

    /**
     * Folds the field at the spaces between its tags, and inside the {@code b=} value (whose whitespace verifiers
     * ignore). Relaxed header canonicalization turns a fold back into the single space that was there, so the field
     * verifies as it was signed; no fold is put where there was no whitespace (it would change {@code h=} or
     * {@code bh=}).
     */
    static String fold(String field) {
        StringBuilder folded = new StringBuilder();
        int lineLength = 0;
        for (String token : field.split(" ")) {
            if (token.isEmpty()) {
                continue;
            }
            if (lineLength > 0 && lineLength + 1 + token.length() > LINE) {
                folded.append("\r\n\t");
                lineLength = 1;
            } else if (lineLength > 0) {
                folded.append(' ');
                lineLength++;
            }
            if (token.startsWith("b=")) {
                // the signature value: split freely
                int start = 0;
                while (token.length() - start > LINE - lineLength) {
                    int end = start + Math.max(8, LINE - lineLength);
                    folded.append(token, start, end).append("\r\n\t");
                    lineLength = 1;
                    start = end;
                }
                folded.append(token.substring(start));
                lineLength += token.length() - start;
            } else {
                folded.append(token);
                lineLength += token.length();
            }
        }
        return folded.toString();
    }

    /** A signature record that keeps its tags in the order given (v, a, c, d, s, t, h, bh, b), as people read them. */
    private static final class OrderedRecord extends SignatureRecordImpl {
        OrderedRecord(String data) {
            super(data);
        }

        @Override
        protected Map<String, CharSequence> newTagValue() {
            return new LinkedHashMap<>();
        }
    }

    /** jDKIM's header canonicalization and hashing ({@code DKIMCommon.signatureCheck}), fed to our signature. */
    private static final class HeaderHash extends DKIMCommon {
        static void update(Message message, SignatureRecord record, Signature signature) throws GeneralSecurityException,
            PermFailException {
            signatureCheck(message, record, record.getHeaders(), signature);
        }
    }
}
