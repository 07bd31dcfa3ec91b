package dev.mailwright.mailbox.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.apache.james.mailbox.store.mail.model.impl.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.mailbox.blob.FileBlobStore;

class MessageIngestTest {
    @TempDir
    Path folder;
    private FileBlobStore blobs;
    private MessageIngest ingest;

    @BeforeEach
    void setUp() throws IOException {
        blobs = new FileBlobStore(folder);
        ingest = new MessageIngest(blobs, MessageIngest.DEFAULT_NESTING_LIMIT);
    }

    @Test
    void storesTheBodyAndWhatTheRowNeedsInOnePass() throws Exception {
        String text = "From: a@example.com\r\nSubject: hello\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nline 1\r\nline 2\r\n";
        IngestedMessage message = ingest.ingest(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));

        assertThat(message.size()).isEqualTo(text.length());
        assertThat(message.bodyStart()).isEqualTo(text.indexOf("\r\n\r\n") + 4);
        assertThat(new String(message.header(), StandardCharsets.US_ASCII)).isEqualTo(text.substring(0, message.bodyStart()));
        Properties properties = message.properties().build();
        assertThat(properties.getMediaType()).isEqualTo("text");
        assertThat(properties.getSubType()).isEqualTo("plain");
        assertThat(properties.getContentTypeParameters()).containsEntry("charset", "utf-8");
        assertThat(properties.getTextualLineCount()).isEqualTo(2L);
        // the header block is the row's: the blob holds the body only
        assertThat(message.blobFromBody()).isTrue();
        try (InputStream stored = blobs.open(message.blob(), 0)) {
            assertThat(new String(stored.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(text.substring(message.bodyStart()));
        }
    }

    @Test
    void aHeaderBlockTooLargeForTheRowGoesWholeIntoTheBlob() throws Exception {
        String text = "X-Long: " + "a".repeat(40_000) + "\r\nSubject: big\r\n\r\nbody\r\n";
        IngestedMessage message = ingest.ingest(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));

        assertThat(message.blobFromBody()).isFalse();
        assertThat(message.header()).isNull();
        assertThat(message.bodyStart()).isEqualTo(text.indexOf("\r\n\r\n") + 4);
        try (InputStream stored = blobs.open(message.blob(), 0)) {
            assertThat(new String(stored.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(text);
        }
    }

    @Test
    void aMessageWithoutAnEmptyLineGoesWholeIntoTheBlob() throws Exception {
        String text = "Subject: no body\r\nFrom: a@example.com\r\n";
        IngestedMessage message = ingest.ingest(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));

        assertThat(message.blobFromBody()).isFalse();
        assertThat(message.size()).isEqualTo(text.length());
        try (InputStream stored = blobs.open(message.blob(), 0)) {
            assertThat(new String(stored.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(text);
        }
    }

    @Test
    void messagesDifferingOnlyInTheirHeadersGetOneBodyFileUnderTwoNames() throws Exception {
        String body = "same body\r\n".repeat(500);
        IngestedMessage first = ingest.ingest(new ByteArrayInputStream(("Delivered-To: a@example.com\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII)));
        IngestedMessage second = ingest.ingest(new ByteArrayInputStream(("Delivered-To: bb@example.com\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII)));

        assertThat(second.blob()).isNotEqualTo(first.blob());
        assertThat(blobFiles()).isEqualTo(2);
        try (Stream<Path> files = Files.walk(folder)) {
            Path[] both = files.filter(Files::isRegularFile).toArray(Path[]::new);
            assertThat(Files.isSameFile(both[0], both[1])).isTrue();
        }
        try (InputStream stored = blobs.open(second.blob(), 0)) {
            assertThat(new String(stored.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(body);
        }
    }

    @Test
    void aBodyReadByteByByteIsSplitTheSameWay() throws Exception {
        String text = "Subject: slow\r\n\r\nbody\r\n";
        InputStream oneByteAtATime = new java.io.FilterInputStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII))) {
            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                return super.read(bytes, offset, Math.min(1, length));
            }
        };
        IngestedMessage message = ingest.ingest(oneByteAtATime);

        assertThat(message.blobFromBody()).isTrue();
        assertThat(new String(message.header(), StandardCharsets.US_ASCII)).isEqualTo("Subject: slow\r\n\r\n");
        try (InputStream stored = blobs.open(message.blob(), 0)) {
            assertThat(new String(stored.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("body\r\n");
        }
    }

    @Test
    void aHundredLevelsOfNestingAreStored() throws Exception {
        byte[] content = NestedMessages.nested(100);
        IngestedMessage message = ingest.ingest(new ByteArrayInputStream(content));

        assertThat(message.size()).isEqualTo(content.length);
        assertThat(message.properties().build().getMediaType()).isEqualTo("multipart");
    }

    @Test
    void oneLevelMoreIsRefusedAndLeavesNoBlob() throws IOException {
        assertThatThrownBy(() -> ingest.ingest(new ByteArrayInputStream(NestedMessages.nested(101))))
            .isInstanceOf(MimeNestingLimitException.class)
            .hasMessageContaining("100");
        assertThat(blobFiles()).isZero();
    }

    @Test
    void threeThousandLevelsAreRefusedWithoutStackOverflow() throws IOException {
        assertThatThrownBy(() -> ingest.ingest(new ByteArrayInputStream(NestedMessages.nested(3000))))
            .isInstanceOf(MimeNestingLimitException.class);
        assertThat(blobFiles()).isZero();
    }

    @Test
    void embeddedMessagesCountAsLevels() {
        StringBuilder message = new StringBuilder("Subject: outer\r\n");
        for (int level = 0; level < 150; level++) {
            message.append("Content-Type: message/rfc822\r\n\r\nSubject: level ").append(level).append("\r\n");
        }
        message.append("\r\nbody\r\n");
        assertThatThrownBy(() -> ingest.ingest(new ByteArrayInputStream(message.toString().getBytes(StandardCharsets.US_ASCII))))
            .isInstanceOf(MimeNestingLimitException.class);
    }

    @Test
    void aMessageWithoutBodyHasNoBodyStart() throws Exception {
        byte[] content = "Subject: only a header\r\n".getBytes(StandardCharsets.US_ASCII);
        IngestedMessage message = ingest.ingest(new ByteArrayInputStream(content));

        assertThat(message.bodyStart()).isZero();
        assertThat(message.size()).isEqualTo(content.length);
    }

    @Test
    void bareLineFeedsEndTheHeaderToo() throws Exception {
        IngestedMessage message = ingest.ingest(new ByteArrayInputStream("Subject: x\n\nbody\n".getBytes(StandardCharsets.US_ASCII)));

        assertThat(message.bodyStart()).isEqualTo(12);
    }

    private long blobFiles() throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
