package dev.mailwright.mailbox.ingest;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.apache.james.mime4j.message.DefaultBodyDescriptorBuilder;
import org.apache.james.mime4j.message.MaximalBodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

import dev.mailwright.mailbox.blob.BlobId;
import dev.mailwright.mailbox.blob.BlobStore;
import dev.mailwright.mailbox.blob.BlobWriter;
import dev.mailwright.mailbox.db.Dialect;

/**
 * Reads a message exactly once, before any lock: every byte read goes to a new blob, and the same bytes feed a
 * streaming MIME tokenizer (mime4j's {@link MimeTokenStream}, an iterative state machine: no recursion over the
 * structure) that yields what the message row needs and checks the nesting depth. Memory use is bounded whatever the
 * message's size: buffers, and the header block kept for the row when it fits it.
 *
 * <p>When the header block fits the row ({@link Dialect#MAX_SHORT_BINARY} bytes), the blob receives the body only
 * (the header block is kept for the row): the copies of one mail delivered to several mailboxes differ only in their
 * per-recipient headers, so their blobs are identical and the file blob store shares them as hard links. A larger
 * header block, or a message without an empty line, goes whole into the blob, as before.
 *
 * <p>A message nesting multiparts or embedded messages deeper than the limit is refused with
 * {@link MimeNestingLimitException} as soon as the tokenizer reaches that depth; its partial blob is removed.
 */
public final class MessageIngest {
    /** Postfix's default {@code mime_nesting_limit}. */
    public static final int DEFAULT_NESTING_LIMIT = 100;
    private static final MimeConfig CONFIG = MimeConfig.custom()
        .setMaxContentLen(-1)
        .setMaxHeaderCount(-1)
        .setMaxHeaderLen(-1)
        .setMaxLineLen(-1)
        .build();
    private static final LenientFieldParser FIELD_PARSER = new LenientFieldParser();

    private final BlobStore blobs;
    private final int nestingLimit;

    public MessageIngest(BlobStore blobs, int nestingLimit) {
        this.blobs = blobs;
        this.nestingLimit = nestingLimit;
    }

    public IngestedMessage ingest(InputStream source) throws IOException, MimeNestingLimitException {
        try (BlobWriter writer = blobs.create()) {
            TeeInput tee = new TeeInput(source, writer.output());
            PropertyBuilder properties = parse(tee);
            tee.drain();
            tee.finish();
            writer.output().flush();
            BlobId blob = writer.commit();
            return new IngestedMessage(blob, tee.bodyOnly(), tee.count, tee.bodyStart(), tee.header(), properties);
        } catch (MimeException e) {
            throw new IOException("Unreadable message: " + e.getMessage(), e);
        }
    }

    private PropertyBuilder parse(InputStream input) throws IOException, MimeException, MimeNestingLimitException {
        MimeTokenStream parser = new MimeTokenStream(CONFIG, new DefaultBodyDescriptorBuilder(null, FIELD_PARSER, DecodeMonitor.SILENT));
        parser.setRecursionMode(RecursionMode.M_RECURSE);
        parser.parse(input);
        PropertyBuilder properties = null;
        int depth = 0;
        boolean root = true;
        for (EntityState state = parser.getState(); state != EntityState.T_END_OF_STREAM; state = parser.next()) {
            switch (state) {
                case T_START_MESSAGE:
                    if (root) {
                        root = false;
                    } else if (++depth > nestingLimit) {
                        throw new MimeNestingLimitException(nestingLimit);
                    }
                    break;
                case T_END_MESSAGE:
                    if (depth > 0) {
                        depth--;
                    }
                    break;
                case T_START_MULTIPART:
                    if (properties == null) {
                        properties = properties((MaximalBodyDescriptor) parser.getBodyDescriptor());
                    }
                    if (++depth > nestingLimit) {
                        throw new MimeNestingLimitException(nestingLimit);
                    }
                    break;
                case T_END_MULTIPART:
                    depth--;
                    break;
                case T_BODY:
                    if (properties == null) {
                        properties = properties((MaximalBodyDescriptor) parser.getBodyDescriptor());
                        if ("text".equalsIgnoreCase(properties.build().getMediaType())) {
                            properties.setTextualLineCount(countLines(parser.getInputStream()));
                        }
                    }
                    break;
                default:
                    break;
            }
        }
        return properties == null ? defaultProperties() : properties;
    }

    private static PropertyBuilder defaultProperties() {
        PropertyBuilder properties = new PropertyBuilder();
        properties.setMediaType("text");
        properties.setSubType("plain");
        properties.setCharset("us-ascii");
        properties.setTextualLineCount(0L);
        return properties;
    }

    /** The MIME properties IMAP needs for BODYSTRUCTURE of the top-level entity (as James's own append path keeps them). */
    private static PropertyBuilder properties(MaximalBodyDescriptor descriptor) {
        PropertyBuilder properties = new PropertyBuilder();
        String mediaType = descriptor.getMediaType() == null ? "text" : descriptor.getMediaType();
        String subType = descriptor.getMediaType() == null ? "plain" : descriptor.getSubType();
        properties.setMediaType(mediaType);
        properties.setSubType(subType);
        properties.setContentID(descriptor.getContentId());
        properties.setContentDescription(descriptor.getContentDescription());
        properties.setContentLocation(descriptor.getContentLocation());
        properties.setContentMD5(descriptor.getContentMD5Raw());
        properties.setContentTransferEncoding(descriptor.getTransferEncoding());
        properties.setContentLanguage(descriptor.getContentLanguage());
        properties.setContentDispositionType(descriptor.getContentDispositionType());
        properties.setContentDispositionParameters(descriptor.getContentDispositionParameters());
        properties.setContentTypeParameters(descriptor.getContentTypeParameters());
        String charset = descriptor.getCharset();
        if (charset != null) {
            properties.setCharset(charset);
        } else if ("text".equals(mediaType.toLowerCase(Locale.ROOT))) {
            properties.setCharset("us-ascii");
        }
        return properties;
    }

    /** Lines as James counts them for BODYSTRUCTURE: carriage returns. */
    private static long countLines(InputStream body) throws IOException {
        byte[] buffer = new byte[8192];
        long lines = 0;
        for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\r') {
                    lines++;
                }
            }
        }
        return lines;
    }

    /**
     * Copies the bytes read to the blob, counts them, finds where the body starts (after the first empty line) and
     * keeps the header block for the row when it fits. Header bytes are held back until it is known whether the
     * header block fits the row: then only the body goes to the blob; else, the whole message.
     */
    private static final class TeeInput extends FilterInputStream {
        private static final int HEADER_LIMIT = Dialect.MAX_SHORT_BINARY;
        private final OutputStream copy;
        private final ByteArrayOutputStream header = new ByteArrayOutputStream(2048);
        private long count;
        private long bodyStart = -1;
        private int matched;
        /** The header is still being read and held back; then either the body only or everything goes to the blob. */
        private boolean holding = true;
        private boolean bodyOnly;
        private final byte[] one = new byte[1];

        TeeInput(InputStream in, OutputStream copy) {
            super(in);
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = in.read(bytes, offset, length);
            if (n > 0) {
                int i = offset;
                int end = offset + n;
                int toBlob = holding ? end : offset;
                while (i < end && bodyStart < 0) {
                    see(bytes[i++]);
                    if (holding && header.size() > HEADER_LIMIT) {
                        // the header block does not fit the row: the whole message goes to the blob
                        holding = false;
                        header.writeTo(copy);
                        toBlob = i;
                    }
                }
                if (holding && bodyStart >= 0) {
                    holding = false;
                    bodyOnly = true;
                    toBlob = i;
                }
                count += end - i;
                if (toBlob < end) {
                    copy.write(bytes, toBlob, end - toBlob);
                }
            }
            return n;
        }

        /** At the end of the message: a message that never ended its header block goes whole to the blob. */
        void finish() throws IOException {
            if (holding) {
                holding = false;
                header.writeTo(copy);
            }
        }

        /** The blob holds the body only (the header block is {@link #header()}). */
        boolean bodyOnly() {
            return bodyOnly;
        }

        private void see(byte b) {
            count++;
            if (header.size() <= HEADER_LIMIT) {
                header.write(b);
            }
            // the body starts after the first empty line: LF then LF, or LF then CR LF (messages with bare LF
            // line ends are read too; SMTP and IMAP give CRLF)
            if (count == 1 && b == '\n') {
                bodyStart = count;
            } else if (b == '\n') {
                if (matched == 2 || matched == 3) {
                    bodyStart = count;
                } else {
                    matched = 2;
                }
            } else if (b == '\r') {
                if (count == 1) {
                    matched = 2;
                } else {
                    matched = matched == 2 ? 3 : 0;
                }
            } else {
                matched = 0;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[8192];
            long skipped = 0;
            while (skipped < n) {
                int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
                if (read < 0) {
                    break;
                }
                skipped += read;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        void drain() throws IOException {
            byte[] buffer = new byte[65536];
            while (read(buffer, 0, buffer.length) >= 0) {
                // copies the rest (an epilogue mime4j did not need) to the blob
            }
        }

        int bodyStart() {
            return bodyStart < 0 ? 0 : (int) bodyStart;
        }

        byte[] header() {
            if (bodyStart < 0) {
                return new byte[0];
            }
            if (bodyStart > HEADER_LIMIT) {
                return null;
            }
            byte[] all = header.toByteArray();
            return java.util.Arrays.copyOf(all, (int) bodyStart);
        }
    }
}
