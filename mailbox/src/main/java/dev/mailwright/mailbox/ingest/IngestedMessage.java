package dev.mailwright.mailbox.ingest;

import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;

import dev.mailwright.mailbox.blob.BlobId;

/**
 * A message read once from its source: its body durable in the blob store, and what its row needs, gathered in the
 * same pass (size, where the body starts, the header block when it fits the row, MIME properties of the top-level
 * entity). {@code blobFromBody}: the blob holds the body only, the header block being {@code header}.
 */
public record IngestedMessage(BlobId blob, boolean blobFromBody, long size, int bodyStart, byte[] header,
                              PropertyBuilder properties) {
}
