package dev.mailwright.server.queue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.lifecycle.api.Disposable;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The file of one queued mail: a small envelope (name, sender, recipients, state, error message, last update, remote
 * address and host, per-recipient headers, attributes as James's JSON form, the same form its JMS queue uses), then
 * the message bytes exactly as {@code MimeMessage.writeTo} gives them.
 *
 * <pre>
 *   int magic "MWQ1" | int envelope length | envelope | message ...
 * </pre>
 *
 * The message is not read into memory when a mail is taken: the mail's message reads it from the file when it is
 * first needed.
 */
final class QueueFile {
    private static final int MAGIC = 0x4d575131; // "MWQ1"
    private static final int PREFIX = 8;

    private QueueFile() {
    }

    /** The envelope of a queued mail: what {@code remove} matches on, without the message. */
    record Envelope(String name, MaybeSender sender, List<MailAddress> recipients) {
        boolean hasRecipient(String address) {
            return recipients.stream().anyMatch(recipient -> recipient.asString().equalsIgnoreCase(address));
        }
    }

    static void write(Mail mail, OutputStream out) throws IOException, MessagingException {
        ByteArrayOutputStream envelope = new ByteArrayOutputStream(512);
        DataOutputStream data = new DataOutputStream(envelope);
        writeString(data, mail.getName());
        writeString(data, mail.getMaybeSender().asString(""));
        writeStrings(data, mail.getRecipients().stream().map(MailAddress::asString).toList());
        writeNullable(data, mail.getState());
        writeNullable(data, mail.getErrorMessage());
        data.writeLong(mail.getLastUpdated() == null ? System.currentTimeMillis() : mail.getLastUpdated().getTime());
        writeNullable(data, mail.getRemoteAddr());
        writeNullable(data, mail.getRemoteHost());
        Collection<Map.Entry<MailAddress, PerRecipientHeaders.Header>> headers =
            mail.getPerRecipientSpecificHeaders().getHeadersByRecipient().entries();
        data.writeInt(headers.size());
        for (Map.Entry<MailAddress, PerRecipientHeaders.Header> header : headers) {
            writeString(data, header.getKey().asString());
            writeString(data, header.getValue().asString());
        }
        List<Attribute> attributes = new ArrayList<>();
        mail.attributes().forEach(attributes::add);
        List<String[]> serialized = new ArrayList<>();
        for (Attribute attribute : attributes) {
            // a value James cannot put in JSON is not kept (as in James's own queues)
            Optional<JsonNode> json = attribute.getValue().toJson();
            json.ifPresent(node -> serialized.add(new String[] {attribute.getName().asString(), node.toString()}));
        }
        data.writeInt(serialized.size());
        for (String[] attribute : serialized) {
            writeString(data, attribute[0]);
            writeString(data, attribute[1]);
        }
        data.flush();

        DataOutputStream prefix = new DataOutputStream(out);
        prefix.writeInt(MAGIC);
        prefix.writeInt(envelope.size());
        envelope.writeTo(out);
        mail.getMessage().writeTo(out);
    }

    static Envelope readEnvelope(Path file) throws IOException {
        try (DataInputStream data = new DataInputStream(new ByteArrayInputStream(envelope(file)))) {
            String name = readString(data);
            MaybeSender sender = MaybeSender.getMailSender(readString(data));
            List<MailAddress> recipients = addresses(readStrings(data));
            return new Envelope(name, sender, recipients);
        }
    }

    /** The mail of {@code file}; its message is read from the file when needed (and closed when the mail is disposed). */
    static Mail read(Path file) throws IOException {
        byte[] envelope = envelope(file);
        long messageStart = PREFIX + (long) envelope.length;
        MailImpl.Builder mail;
        try (DataInputStream data = new DataInputStream(new ByteArrayInputStream(envelope))) {
            mail = MailImpl.builder().name(readString(data));
            mail.sender(MaybeSender.getMailSender(readString(data)).asOptional());
            mail.addRecipients(addresses(readStrings(data)));
            mail.state(readNullable(data));
            mail.errorMessage(readNullable(data));
            mail.lastUpdated(new Date(data.readLong()));
            mail.remoteAddr(readNullable(data));
            mail.remoteHost(readNullable(data));
            int headers = data.readInt();
            PerRecipientHeaders perRecipient = new PerRecipientHeaders();
            for (int i = 0; i < headers; i++) {
                MailAddress recipient = address(readString(data));
                perRecipient.addHeaderForRecipient(PerRecipientHeaders.Header.fromString(readString(data)), recipient);
            }
            if (headers > 0) {
                mail.addAllHeadersForRecipients(perRecipient);
            }
            int attributes = data.readInt();
            List<Attribute> values = new ArrayList<>(attributes);
            for (int i = 0; i < attributes; i++) {
                String name = readString(data);
                values.add(new Attribute(AttributeName.of(name), AttributeValue.fromJsonString(readString(data))));
            }
            mail.addAttributes(values);
        }
        return mail.mimeMessage(new MimeMessageWrapper(new FileRange(file, messageStart))).build();
    }

    private static byte[] envelope(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            DataInputStream data = new DataInputStream(in);
            if (data.readInt() != MAGIC) {
                throw new IOException(file + " is not a queued mail");
            }
            int length = data.readInt();
            if (length < 0 || length > 64 * 1024 * 1024) {
                throw new IOException(file + ": bad envelope length " + length);
            }
            byte[] envelope = data.readNBytes(length);
            if (envelope.length != length) {
                throw new IOException(file + " ends inside its envelope");
            }
            return envelope;
        }
    }

    private static List<MailAddress> addresses(List<String> values) throws IOException {
        List<MailAddress> addresses = new ArrayList<>(values.size());
        for (String value : values) {
            addresses.add(address(value));
        }
        return addresses;
    }

    private static MailAddress address(String value) throws IOException {
        try {
            return new MailAddress(value);
        } catch (AddressException e) {
            throw new IOException("bad address in a queued mail: " + value, e);
        }
    }

    private static void writeStrings(DataOutputStream out, List<String> values) throws IOException {
        out.writeInt(values.size());
        for (String value : values) {
            writeString(out, value);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int count = in.readInt();
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(readString(in));
        }
        return values;
    }

    private static void writeNullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            writeString(out, value);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? readString(in) : null;
    }

    /** Length-prefixed UTF-8: unlike {@code writeUTF}, no 64 KiB limit (an attribute's JSON can be larger). */
    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("bad string length " + length);
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** The message part of a queue file, read when the mail's message needs it. */
    private static final class FileRange implements MimeMessageSource, Disposable {
        private final Path file;
        private final long start;

        FileRange(Path file, long start) {
            this.file = file;
            this.start = start;
        }

        @Override
        public String getSourceId() {
            return file.toString();
        }

        @Override
        public InputStream getInputStream() throws IOException {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(start);
            return new BufferedInputStream(Channels.newInputStream(channel), 16 * 1024);
        }

        @Override
        public long getMessageSize() throws IOException {
            return Files.size(file) - start;
        }

        @Override
        public void dispose() {
            // nothing held: each stream is closed by its reader
        }
    }
}
