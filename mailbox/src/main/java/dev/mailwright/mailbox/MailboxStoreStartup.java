package dev.mailwright.mailbox;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.mailbox.blob.BlobId;
import dev.mailwright.mailbox.blob.BlobStore;
import dev.mailwright.mailbox.blob.DatabaseBlobStore;
import dev.mailwright.mailbox.db.MailboxDatabase;

/**
 * What the store does once at start, before the server serves anything: remove the bodies no message references
 * (written by a delivery that crashed before its transaction committed, or left by an expunge that crashed between
 * its commit and the removal of the body).
 */
public final class MailboxStoreStartup {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailboxStoreStartup.class);
    /** Bodies in a shared database may belong to a delivery of another server still running: only older ones go. */
    static final Duration SHARED_ORPHAN_AGE = Duration.ofMinutes(15);

    private MailboxStoreStartup() {
    }

    public static long sweepOrphans(MailboxDatabase database, BlobStore blobs, Instant startedAt) {
        Instant before = blobs instanceof DatabaseBlobStore ? startedAt.minus(SHARED_ORPHAN_AGE) : startedAt;
        long began = System.nanoTime();
        try {
            long removed = blobs.sweepOrphans(before, batch -> referenced(database, batch));
            long millis = (System.nanoTime() - began) / 1_000_000;
            if (removed > 0) {
                LOGGER.warn("Removed {} message bodies that no message references (left by an unclean stop) in {} ms", removed, millis);
            } else {
                LOGGER.info("Blob store ({}): no orphan body ({} ms)", blobs.describe(), millis);
            }
            return removed;
        } catch (IOException | RuntimeException e) {
            LOGGER.error("Cannot sweep orphan message bodies (they only take space): {}", e.getMessage(), e);
            return 0;
        }
    }

    private static Set<BlobId> referenced(MailboxDatabase database, Set<BlobId> batch) {
        if (batch.isEmpty()) {
            return Set.of();
        }
        String marks = String.join(",", Collections.nCopies(batch.size(), "?"));
        Object[] ids = batch.stream().map(BlobId::value).toArray();
        return database.queryUnchecked("look for referenced bodies", connection -> {
            Set<BlobId> found = new HashSet<>();
            try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                "SELECT BLOB_ID FROM MW_MESSAGE WHERE BLOB_ID IN (" + marks + ")", ids);
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(new BlobId(rows.getString(1)));
                }
            }
            return found;
        });
    }
}
