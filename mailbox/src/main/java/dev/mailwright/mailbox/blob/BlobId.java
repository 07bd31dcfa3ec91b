package dev.mailwright.mailbox.blob;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The name of one message body in the blob store: 128 random bits in hexadecimal. */
public record BlobId(String value) {
    private static final int LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    public BlobId {
        if (!isValid(value)) {
            throw new IllegalArgumentException("not a blob id: " + value);
        }
    }

    public static BlobId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new BlobId(HexFormat.of().formatHex(bytes));
    }

    /** 32 lower-case hexadecimal digits ({@code [0-9a-f]{32}}), checked without a regex: every append makes one or two. */
    public static boolean isValid(String value) {
        if (value.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return value;
    }
}
