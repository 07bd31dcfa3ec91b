package dev.mailwright.smtp.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class MimeStructureTest {
    private final MimeStructure structure = new MimeStructure(100, 1000);

    /** A message whose single text part sits {@code depth} multiparts deep. */
    static String nested(int depth) {
        StringBuilder message = new StringBuilder("From: a@example.test\r\nSubject: nested\r\nMIME-Version: 1.0\r\n");
        message.append("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n");
        for (int level = 1; level < depth; level++) {
            message.append("--b").append(level).append("\r\nContent-Type: multipart/mixed; boundary=\"b").append(level + 1).append("\"\r\n\r\n");
        }
        message.append("--b").append(depth).append("\r\nContent-Type: text/plain\r\n\r\nhello\r\n");
        for (int level = depth; level >= 1; level--) {
            message.append("--b").append(level).append("--\r\n");
        }
        return message.toString();
    }

    static String wide(int parts) {
        StringBuilder message = new StringBuilder("Subject: wide\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"w\"\r\n\r\n");
        for (int part = 0; part < parts; part++) {
            message.append("--w\r\nContent-Type: text/plain\r\n\r\npart ").append(part).append("\r\n");
        }
        return message.append("--w--\r\n").toString();
    }

    private Optional<String> check(String message) throws IOException {
        return structure.violation(new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void ordinaryMessagesPass() throws IOException {
        assertThat(check("Subject: hi\r\n\r\nhello\r\n")).isEmpty();
        assertThat(check(nested(3))).isEmpty();
        assertThat(check(wide(50))).isEmpty();
    }

    @Test
    void nestingUpToTheLimitPasses() throws IOException {
        assertThat(check(nested(100))).isEmpty();
    }

    @Test
    void nestingBeyondTheLimitIsRefused() throws IOException {
        assertThat(check(nested(101))).contains("MIME nesting deeper than 100 levels");
    }

    @Test
    void threeThousandLevelsAreRefusedWithoutOverflowingTheStack() throws IOException {
        assertThat(check(nested(3000))).contains("MIME nesting deeper than 100 levels");
    }

    @Test
    void tooManyPartsAreRefused() throws IOException {
        assertThat(check(wide(1000))).isEmpty();
        assertThat(check(wide(1001))).contains("more than 1000 MIME parts");
    }

    @Test
    void attachedMessagesCountAsLevels() throws IOException {
        String inner = nested(100);
        String outer = "Subject: forward\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
            + "--outer\r\nContent-Type: message/rfc822\r\n\r\n" + inner + "--outer--\r\n";

        assertThat(check(outer)).contains("MIME nesting deeper than 100 levels");
    }

    @Test
    void malformedMimeIsNotAVerdict() throws IOException {
        assertThat(check("Content-Type: multipart/mixed\r\n\r\nno boundary at all\r\n")).isEmpty();
        assertThat(check("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nunterminated")).isEmpty();
    }
}
