package dev.mailwright.mailbox.blob;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A body being written into the blob store. Bytes go to {@link #output()}; {@link #commit()} makes them durable and
 * returns the blob's id; {@link #close()} without a commit removes what was written.
 */
public interface BlobWriter extends AutoCloseable {
    OutputStream output();

    /** Durable once this returns (fsynced file and folder, or a committed database transaction). */
    BlobId commit() throws IOException;

    /** Removes the partial blob unless it was committed. Never throws. */
    @Override
    void close();
}
