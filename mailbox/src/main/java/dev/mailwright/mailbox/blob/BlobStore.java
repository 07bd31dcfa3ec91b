package dev.mailwright.mailbox.blob;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.function.Function;

/**
 * Where message bodies live. A blob is written once, read many times and removed after the expunge of its message
 * committed; a message row owns its blob (a copy of a message gets a copy of its blob), so removal never has to
 * ask who else uses it.
 */
public interface BlobStore {
    BlobWriter create() throws IOException;

    /** Writes the stream as a new durable blob. */
    default BlobId write(InputStream content) throws IOException {
        try (BlobWriter writer = create()) {
            content.transferTo(writer.output());
            return writer.commit();
        }
    }

    /** The blob's bytes from {@code offset} on. */
    InputStream open(BlobId id, long offset) throws IOException;

    /** A new blob with the same bytes (a hard link for files). */
    BlobId copy(BlobId id) throws IOException;

    /** Removes blobs; missing ones are ignored, failures are logged (a later sweep removes what is left). */
    void delete(Collection<BlobId> ids);

    /**
     * Removes the blobs created before {@code createdBefore} that no message references.
     *
     * @param referenced answers which of a batch of ids a message row still references
     * @return how many blobs were removed
     */
    long sweepOrphans(Instant createdBefore, Function<Set<BlobId>, Set<BlobId>> referenced) throws IOException;

    /** "files in /var/..." or "PostgreSQL", for logs. */
    String describe();
}
