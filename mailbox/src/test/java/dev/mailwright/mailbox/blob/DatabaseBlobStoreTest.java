package dev.mailwright.mailbox.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.mailwright.mailbox.support.TestDatabase;

class DatabaseBlobStoreTest {
    @Test
    void bodiesInTheDatabaseNeedPostgres() {
        assertThatThrownBy(() -> new DatabaseBlobStore(TestDatabase.derby().database(), Clock.systemUTC()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("only on PostgreSQL");
    }

    @Test
    void largeBodiesAreChunkedAndReadBackFromAnyOffset() throws Exception {
        TestDatabase postgres = TestDatabase.postgres();
        postgres.clean();
        DatabaseBlobStore store = new DatabaseBlobStore(postgres.database(), Clock.systemUTC());
        byte[] content = new byte[3 * DatabaseBlobStore.CHUNK_SIZE + 1234];
        new Random(7).nextBytes(content);

        BlobId id = store.write(new ByteArrayInputStream(content));
        try (InputStream all = store.open(id, 0)) {
            assertThat(all.readAllBytes()).isEqualTo(content);
        }
        int offset = DatabaseBlobStore.CHUNK_SIZE + 17;
        try (InputStream tail = store.open(id, offset)) {
            byte[] rest = tail.readAllBytes();
            assertThat(rest).hasSize(content.length - offset);
            assertThat(rest[0]).isEqualTo(content[offset]);
        }
        BlobId copy = store.copy(id);
        store.delete(List.of(id));
        try (InputStream copied = store.open(copy, 0)) {
            assertThat(copied.readAllBytes()).isEqualTo(content);
        }
        assertThatThrownBy(() -> store.open(id, 0)).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void orphansOlderThanTheCutOffAreSwept() throws Exception {
        TestDatabase postgres = TestDatabase.postgres();
        postgres.clean();
        DatabaseBlobStore store = new DatabaseBlobStore(postgres.database(), Clock.systemUTC());
        BlobId orphan = store.write(new ByteArrayInputStream("orphan".getBytes()));

        assertThat(store.sweepOrphans(Instant.now().minusSeconds(60), any -> Set.of())).as("too recent").isZero();
        assertThat(store.sweepOrphans(Instant.now().plusSeconds(1), any -> Set.of())).isEqualTo(1);
        assertThatThrownBy(() -> store.open(orphan, 0)).isInstanceOf(java.io.IOException.class);
    }
}
