package dev.mailwright.mailbox.blob;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The name of one message body in the blob store: 128 random bits in hexadecimal. */
public record BlobId(String value) {
    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public BlobId {
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("not a blob id: " + value);
        }
    }

    public static BlobId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new BlobId(HexFormat.of().formatHex(bytes));
    }

    public static boolean isValid(String value) {
        return FORMAT.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
