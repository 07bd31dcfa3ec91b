package dev.mailwright.mailbox.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import dev.mailwright.mailbox.blob.BlobStore;
import dev.mailwright.mailbox.blob.DatabaseBlobStore;
import dev.mailwright.mailbox.blob.FileBlobStore;
import dev.mailwright.mailbox.db.Dialect;
import dev.mailwright.mailbox.mapper.JdbcMailboxSessionMapperFactory;

/** A store on a test database, emptied: bodies in a fresh folder (files), or in the database itself (PostgreSQL). */
public final class TestStore {
    private final TestDatabase database;
    private final BlobStore blobs;
    private final JdbcMailboxSessionMapperFactory mappers;

    private TestStore(TestDatabase database, BlobStore blobs, Clock clock) {
        this.database = database;
        this.blobs = blobs;
        this.mappers = new JdbcMailboxSessionMapperFactory(database.database(), blobs, clock);
    }

    public static TestStore on(TestDatabase database, Clock clock) {
        database.clean();
        try {
            BlobStore blobs;
            if (database.database().dialect() == Dialect.POSTGRES) {
                blobs = new DatabaseBlobStore(database.database(), clock);
            } else {
                Path folder = Files.createTempDirectory(TestDatabase.tmp(), "blobs");
                blobs = new FileBlobStore(folder);
            }
            return new TestStore(database, blobs, clock);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestStore derby() {
        return on(TestDatabase.derby(), Clock.systemUTC());
    }

    public static TestStore postgres() {
        return on(TestDatabase.postgres(), Clock.systemUTC());
    }

    public TestDatabase database() {
        return database;
    }

    public BlobStore blobs() {
        return blobs;
    }

    public JdbcMailboxSessionMapperFactory mappers() {
        return mappers;
    }
}
