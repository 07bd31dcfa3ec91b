package dev.mailwright.mailbox.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlobStoreTest {
    @TempDir
    Path folder;

    @Test
    void writesReadsFromAnOffsetCopiesAndDeletes() throws Exception {
        FileBlobStore store = new FileBlobStore(folder);
        BlobId id = store.write(new ByteArrayInputStream("Subject: x\r\n\r\nbody".getBytes()));
        try (InputStream body = store.open(id, 14)) {
            assertThat(new String(body.readAllBytes())).isEqualTo("body");
        }
        BlobId copy = store.copy(id);
        store.delete(Set.of(id));
        try (InputStream copied = store.open(copy, 0)) {
            assertThat(new String(copied.readAllBytes())).startsWith("Subject: x");
        }
    }

    @Test
    void identicalBytesAreOneFileUnderTwoNamesAndDeletingOneNameKeepsTheOther() throws Exception {
        FileBlobStore store = new FileBlobStore(folder);
        BlobId first = store.write(new ByteArrayInputStream("the same body".getBytes()));
        BlobId second = store.write(new ByteArrayInputStream("the same body".getBytes()));
        BlobId other = store.write(new ByteArrayInputStream("another body".getBytes()));

        assertThat(second).isNotEqualTo(first);
        assertThat(Files.isSameFile(store.path(first), store.path(second))).isTrue();
        assertThat(Files.isSameFile(store.path(first), store.path(other))).isFalse();
        assertThat(regularFiles()).isEqualTo(3);

        store.delete(Set.of(first));
        try (InputStream body = store.open(second, 0)) {
            assertThat(new String(body.readAllBytes())).isEqualTo("the same body");
        }
    }

    @Test
    void whenTheFileToShareIsGoneTheWrittenBytesAreKept() throws Exception {
        FileBlobStore store = new FileBlobStore(folder);
        BlobId first = store.write(new ByteArrayInputStream("the same body".getBytes()));
        store.delete(Set.of(first));

        BlobId second = store.write(new ByteArrayInputStream("the same body".getBytes()));

        try (InputStream body = store.open(second, 0)) {
            assertThat(new String(body.readAllBytes())).isEqualTo("the same body");
        }
        assertThat(regularFiles()).isEqualTo(1);
    }

    private long regularFiles() throws Exception {
        try (var files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void anAbandonedWriteLeavesNothing() throws Exception {
        FileBlobStore store = new FileBlobStore(folder);
        try (BlobWriter writer = store.create()) {
            writer.output().write("partial".getBytes());
        }
        try (var files = Files.walk(folder)) {
            assertThat(files.filter(Files::isRegularFile).count()).isZero();
        }
    }

    @Test
    void theSweepRemovesOnlyOldUnreferencedBodies() throws Exception {
        FileBlobStore store = new FileBlobStore(folder);
        BlobId referenced = store.write(new ByteArrayInputStream("kept".getBytes()));
        BlobId orphan = store.write(new ByteArrayInputStream("orphan".getBytes()));
        BlobId recent = store.write(new ByteArrayInputStream("being delivered".getBytes()));
        Instant start = Instant.now();
        for (BlobId old : Set.of(referenced, orphan)) {
            Files.setLastModifiedTime(store.path(old), FileTime.from(start.minusSeconds(60)));
        }
        Files.setLastModifiedTime(store.path(recent), FileTime.from(start.plusSeconds(5)));

        long removed = store.sweepOrphans(start, batch -> batch.stream().filter(referenced::equals).collect(Collectors.toSet()));

        assertThat(removed).isEqualTo(1);
        assertThat(Files.exists(store.path(orphan))).isFalse();
        assertThat(Files.exists(store.path(referenced))).isTrue();
        assertThat(Files.exists(store.path(recent))).isTrue();
    }
}
