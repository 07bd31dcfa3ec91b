package dev.mailwright.mailbox.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.mailbox.db.Dialect;
import dev.mailwright.mailbox.db.MailboxDatabase;

/**
 * Bodies in the database ({@code MW_BLOB} and {@code MW_BLOB_CHUNK}), for servers that share one PostgreSQL: a body
 * is split in chunks of {@value #CHUNK_SIZE} bytes written in their own transaction, committed before the message
 * row that references it; reading fetches one chunk at a time, so neither side ever holds a whole body in memory.
 *
 * <p>Orphans (a crash between the body's commit and the message's) are removed by {@link #sweepOrphans} once they
 * are older than any delivery can take, so that a sweep started by one server never removes a body another server
 * is about to reference.
 */
public final class DatabaseBlobStore implements BlobStore {
    static final int CHUNK_SIZE = 256 * 1024;
    private static final Logger LOGGER = LoggerFactory.getLogger(DatabaseBlobStore.class);

    private final MailboxDatabase database;
    private final Clock clock;

    public DatabaseBlobStore(MailboxDatabase database, Clock clock) {
        if (database.dialect() != Dialect.POSTGRES) {
            throw new IllegalArgumentException("Message bodies can be kept in the database only on PostgreSQL; "
                + "with embedded Derby they are files in the data folder");
        }
        this.database = database;
        this.clock = clock;
    }

    @Override
    public BlobWriter create() throws IOException {
        try {
            return new ChunkWriter(BlobId.random(), database.dataSource().getConnection());
        } catch (SQLException e) {
            throw new IOException("Cannot store a message body in the database: " + e.getMessage(), e);
        }
    }

    private final class ChunkWriter implements BlobWriter {
        private final BlobId id;
        private final Connection connection;
        private final byte[] buffer = new byte[CHUNK_SIZE];
        private int buffered;
        private int sequence;
        private long size;
        private boolean finished;
        private final OutputStream output = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                if (buffered == buffer.length) {
                    flushChunk();
                }
                buffer[buffered++] = (byte) b;
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                while (length > 0) {
                    if (buffered == buffer.length) {
                        flushChunk();
                    }
                    int n = Math.min(length, buffer.length - buffered);
                    System.arraycopy(bytes, offset, buffer, buffered, n);
                    buffered += n;
                    offset += n;
                    length -= n;
                }
            }
        };

        ChunkWriter(BlobId id, Connection connection) throws SQLException {
            this.id = id;
            this.connection = connection;
            connection.setAutoCommit(false);
        }

        private void flushChunk() throws IOException {
            if (buffered == 0) {
                return;
            }
            byte[] chunk = buffered == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, buffered);
            try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO MW_BLOB_CHUNK (BLOB_ID, SEQ, DATA) VALUES (?, ?, ?)")) {
                insert.setString(1, id.value());
                insert.setInt(2, sequence++);
                insert.setBytes(3, chunk);
                insert.executeUpdate();
            } catch (SQLException e) {
                throw new IOException("Cannot store a message body in the database: " + e.getMessage(), e);
            }
            size += buffered;
            buffered = 0;
        }

        @Override
        public OutputStream output() {
            return output;
        }

        @Override
        public BlobId commit() throws IOException {
            flushChunk();
            try {
                MailboxDatabase.update(connection, "INSERT INTO MW_BLOB (BLOB_ID, CREATED, SIZE) VALUES (?, ?, ?)",
                    id.value(), clock.millis(), size);
                connection.commit();
                finished = true;
                return id;
            } catch (SQLException e) {
                throw new IOException("Cannot store a message body in the database: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                if (!finished) {
                    connection.rollback();
                }
                connection.setAutoCommit(true);
                connection.close();
            } catch (SQLException e) {
                LOGGER.debug("Closing blob writer {}", id, e);
            }
        }
    }

    @Override
    public InputStream open(BlobId id, long offset) throws IOException {
        int chunk = (int) (offset / CHUNK_SIZE);
        int within = (int) (offset % CHUNK_SIZE);
        byte[] first = readChunk(id, chunk);
        if (first == null && offset == 0 && !exists(id)) {
            throw new IOException("The body " + id + " of this message is missing from the database");
        }
        return new ChunkReader(id, chunk, first, within);
    }

    private boolean exists(BlobId id) throws IOException {
        try {
            return database.read(connection -> {
                try (PreparedStatement statement = MailboxDatabase.prepare(connection, "SELECT 1 FROM MW_BLOB WHERE BLOB_ID = ?", id.value());
                     ResultSet rows = statement.executeQuery()) {
                    return rows.next();
                }
            });
        } catch (SQLException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private byte[] readChunk(BlobId id, int sequence) throws IOException {
        try {
            return database.read(connection -> {
                try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                    "SELECT DATA FROM MW_BLOB_CHUNK WHERE BLOB_ID = ? AND SEQ = ?", id.value(), sequence);
                     ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? rows.getBytes(1) : null;
                }
            });
        } catch (SQLException e) {
            throw new IOException("Cannot read a message body from the database: " + e.getMessage(), e);
        }
    }

    private final class ChunkReader extends InputStream {
        private final BlobId id;
        private int sequence;
        private byte[] chunk;
        private int position;

        ChunkReader(BlobId id, int sequence, byte[] chunk, int position) {
            this.id = id;
            this.sequence = sequence;
            this.chunk = chunk;
            this.position = position;
        }

        private boolean ensure() throws IOException {
            while (chunk != null && position >= chunk.length) {
                if (chunk.length < CHUNK_SIZE) {
                    chunk = null;
                    return false;
                }
                sequence++;
                chunk = readChunk(id, sequence);
                position = 0;
            }
            return chunk != null;
        }

        @Override
        public int read() throws IOException {
            if (!ensure()) {
                return -1;
            }
            return chunk[position++] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (!ensure()) {
                return -1;
            }
            int n = Math.min(length, chunk.length - position);
            System.arraycopy(chunk, position, bytes, offset, n);
            position += n;
            return n;
        }
    }

    @Override
    public BlobId copy(BlobId id) throws IOException {
        BlobId copy = BlobId.random();
        try {
            database.inTransaction(connection -> {
                MailboxDatabase.update(connection, "INSERT INTO MW_BLOB_CHUNK (BLOB_ID, SEQ, DATA) "
                    + "SELECT ?, SEQ, DATA FROM MW_BLOB_CHUNK WHERE BLOB_ID = ?", copy.value(), id.value());
                int rows = MailboxDatabase.update(connection, "INSERT INTO MW_BLOB (BLOB_ID, CREATED, SIZE) "
                    + "SELECT ?, ?, SIZE FROM MW_BLOB WHERE BLOB_ID = ?", copy.value(), clock.millis(), id.value());
                if (rows == 0) {
                    throw new IOException("The body " + id + " is missing from the database");
                }
                return null;
            });
            return copy;
        } catch (SQLException e) {
            throw new IOException("Cannot copy a message body: " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(Collection<BlobId> ids) {
        List<BlobId> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += 200) {
            List<BlobId> batch = all.subList(from, Math.min(all.size(), from + 200));
            String marks = String.join(",", java.util.Collections.nCopies(batch.size(), "?"));
            Object[] values = batch.stream().map(BlobId::value).toArray();
            try {
                database.inTransaction(connection -> {
                    MailboxDatabase.update(connection, "DELETE FROM MW_BLOB_CHUNK WHERE BLOB_ID IN (" + marks + ")", values);
                    MailboxDatabase.update(connection, "DELETE FROM MW_BLOB WHERE BLOB_ID IN (" + marks + ")", values);
                    return null;
                });
            } catch (SQLException | IOException e) {
                LOGGER.warn("Cannot remove {} message bodies from the database (a later sweep removes them): {}", batch.size(), e.getMessage());
            }
        }
    }

    @Override
    public long sweepOrphans(Instant createdBefore, Function<Set<BlobId>, Set<BlobId>> referenced) throws IOException {
        String orphans = "SELECT b.BLOB_ID FROM MW_BLOB b WHERE b.CREATED < ? "
            + "AND NOT EXISTS (SELECT 1 FROM MW_MESSAGE m WHERE m.BLOB_ID = b.BLOB_ID)";
        try {
            List<BlobId> found = database.read(connection -> {
                List<BlobId> ids = new ArrayList<>();
                try (PreparedStatement statement = MailboxDatabase.prepare(connection, orphans, createdBefore.toEpochMilli());
                     ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        ids.add(new BlobId(rows.getString(1)));
                    }
                }
                // bodies without their MW_BLOB row: a writer that died before its commit leaves none (rolled back)
                return ids;
            });
            delete(found);
            return found.size();
        } catch (SQLException e) {
            throw new IOException("Cannot sweep orphan message bodies: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "PostgreSQL (tables MW_BLOB, MW_BLOB_CHUNK)";
    }
}
