package dev.mailwright.mailbox.ingest;

import java.nio.charset.StandardCharsets;

/** Test messages whose multiparts nest to a given depth (each level one part: the next level). */
public final class NestedMessages {
    private NestedMessages() {
    }

    public static byte[] nested(int depth) {
        StringBuilder message = new StringBuilder()
            .append("From: a@example.com\r\nTo: b@example.com\r\nSubject: nested ").append(depth).append("\r\n")
            .append("MIME-Version: 1.0\r\n");
        for (int level = 1; level <= depth; level++) {
            message.append("Content-Type: multipart/mixed; boundary=\"b").append(level).append("\"\r\n\r\n")
                .append("--b").append(level).append("\r\n");
        }
        message.append("Content-Type: text/plain\r\n\r\ninnermost text\r\n");
        for (int level = depth; level >= 1; level--) {
            message.append("--b").append(level).append("--\r\n");
        }
        return message.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
