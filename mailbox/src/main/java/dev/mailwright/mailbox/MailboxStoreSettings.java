package dev.mailwright.mailbox;

import java.nio.file.Path;
import java.util.Locale;

import org.apache.commons.configuration2.Configuration;

import dev.mailwright.mailbox.ingest.MessageIngest;

/**
 * The settings of the mailbox store ({@code conf/mailbox.properties}; every key optional).
 *
 * <ul>
 *   <li>{@code blobs.store}: {@code files} (default: bodies as files below {@code blobs.directory}) or
 *       {@code database} (bodies in PostgreSQL, for servers sharing one database; refused on Derby).</li>
 *   <li>{@code blobs.directory}: where file bodies live, default {@code <data>/blobs}.</li>
 *   <li>{@code mime.nesting.limit}: deepest MIME nesting (multiparts and embedded messages) a stored message may
 *       have, default 100 (Postfix's {@code mime_nesting_limit}); deeper messages are refused.</li>
 *   <li>{@code database.pool.size}: connections of the store's pool, default 20.</li>
 * </ul>
 */
public record MailboxStoreSettings(BlobMode blobMode, Path blobDirectory, int nestingLimit, int poolSize) {
    public enum BlobMode {
        FILES, DATABASE
    }

    public static MailboxStoreSettings defaults(Path dataDirectory) {
        return new MailboxStoreSettings(BlobMode.FILES, dataDirectory.resolve("blobs"), MessageIngest.DEFAULT_NESTING_LIMIT, 20);
    }

    public static MailboxStoreSettings from(Configuration properties, Path dataDirectory) {
        String mode = properties.getString("blobs.store", "files").trim().toLowerCase(Locale.ROOT);
        BlobMode blobMode = switch (mode) {
            case "files" -> BlobMode.FILES;
            case "database" -> BlobMode.DATABASE;
            default -> throw new IllegalArgumentException("mailbox.properties: blobs.store is 'files' or 'database', not '" + mode + "'");
        };
        String directory = properties.getString("blobs.directory", "").trim();
        Path blobDirectory = directory.isEmpty() ? dataDirectory.resolve("blobs") : dataDirectory.resolve(directory);
        int nestingLimit = properties.getInt("mime.nesting.limit", MessageIngest.DEFAULT_NESTING_LIMIT);
        if (nestingLimit < 1) {
            throw new IllegalArgumentException("mailbox.properties: mime.nesting.limit must be at least 1");
        }
        int poolSize = properties.getInt("database.pool.size", 20);
        if (poolSize < 2) {
            throw new IllegalArgumentException("mailbox.properties: database.pool.size must be at least 2");
        }
        return new MailboxStoreSettings(blobMode, blobDirectory, nestingLimit, poolSize);
    }
}
