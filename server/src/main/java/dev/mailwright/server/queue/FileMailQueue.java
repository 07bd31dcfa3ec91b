package dev.mailwright.server.queue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * A mail queue of one file per mail in one folder, as Postfix keeps its queue.
 *
 * <p><b>Enqueue</b> writes the mail ({@link QueueFile}) to a hidden temporary file, fsyncs it, renames it into place
 * and fsyncs the folder before it returns: a mail whose enqueue returned (the SMTP server answers 250 after it) is on
 * disk, also across a power cut. A failed write (a full disk) deletes the temporary file and fails the enqueue.
 * The file's name carries the enqueue time (first-in first-out order) and the time the mail is due.
 *
 * <p><b>Dequeue</b> hands each ready mail to one consumer that asked for one; a mail whose delay has not passed
 * waits in memory until it is due. A mail handed out stays on disk until {@code done}: {@code SUCCESS} deletes its
 * file, {@code RETRY} makes it ready again after {@link #RETRY_DELAY}, {@code REJECT} leaves it on disk untouched
 * until the next start (the spooler uses it for "stays in the spool" when it stops). At start the folder is read:
 * every mail in it (never acknowledged: a crash, a stop, a {@code REJECT}) is queued again with its due time.
 */
public final class FileMailQueue implements ManageableMailQueue {
    static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    private static final Logger LOGGER = LoggerFactory.getLogger(FileMailQueue.class);
    /** enqueue time (ms), a per-process run id and counter, due time (ms): {@code 0001764574800123-a1b2-000042-0001764574800123} */
    private static final Pattern FILE_NAME = Pattern.compile("(\\d{16})-([0-9a-f]{4})-(\\d{6,})-(\\d{16})");
    private static final String TEMPORARY_PREFIX = ".tmp-";
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final String RUN = String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));

    private enum State { READY, DELAYED, HANDED, PARKED }

    private static final class Entry {
        final Path file;
        final String id;
        long due;
        State state;
        QueueFile.Envelope envelope;

        Entry(Path file, long due, QueueFile.Envelope envelope) {
            this.file = file;
            this.id = file.getFileName().toString();
            this.due = due;
            this.envelope = envelope;
        }
    }

    private final class Consumer {
        final FluxSink<MailQueueItem> sink;
        long demand;

        Consumer(FluxSink<MailQueueItem> sink) {
            this.sink = sink;
        }
    }

    private final MailQueueName name;
    private final Path folder;
    private final MailQueueItemDecoratorFactory decorators;
    private final Clock clock;
    private final QueueMetrics metrics;
    private final Object lock = new Object();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final ArrayDeque<Entry> ready = new ArrayDeque<>();
    private final PriorityQueue<Entry> delayed = new PriorityQueue<>(Comparator.<Entry>comparingLong(entry -> entry.due)
        .thenComparing(entry -> entry.id));
    private final List<Consumer> consumers = new ArrayList<>();
    private final Map<MailQueueItem, Entry> handed = new IdentityHashMap<>();
    private final Thread dispatcher;
    private int nextConsumer;
    private boolean closed;

    FileMailQueue(MailQueueName name, Path folder, MailQueueItemDecoratorFactory decorators, Clock clock,
                  MetricFactory metricFactory, GaugeRegistry gauges) throws IOException {
        this.name = name;
        this.folder = folder;
        this.decorators = decorators;
        this.clock = clock;
        Files.createDirectories(folder);
        recover();
        this.metrics = new QueueMetrics(name, metricFactory, gauges, this::getSize);
        dispatcher = new Thread(this::dispatch, "queue-" + name.asString());
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    /** Every mail left in the folder is queued again; temporary files of enqueues that did not finish are removed. */
    private void recover() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(folder)) {
            for (Path file : listing) {
                String fileName = file.getFileName().toString();
                if (fileName.startsWith(TEMPORARY_PREFIX)) {
                    Files.deleteIfExists(file);
                } else if (FILE_NAME.matcher(fileName).matches()) {
                    files.add(file);
                }
            }
        }
        files.sort(Comparator.comparing(file -> file.getFileName().toString()));
        long now = clock.millis();
        synchronized (lock) {
            for (Path file : files) {
                Matcher matcher = FILE_NAME.matcher(file.getFileName().toString());
                matcher.matches();
                add(new Entry(file, Long.parseLong(matcher.group(4)), null), now);
            }
        }
        if (!files.isEmpty()) {
            LOGGER.info("Queue {}: {} mail(s) found in {} are queued again", name.asString(), files.size(), folder);
        }
    }

    @Override
    public MailQueueName getName() {
        return name;
    }

    @Override
    public void enQueue(Mail mail, Duration delay) throws MailQueueException {
        TimeMetric timer = metrics.enqueueTimer();
        try {
            write(mail, delay);
        } finally {
            timer.stopAndPublish();
        }
        metrics.enqueued();
    }

    private void write(Mail mail, Duration delay) throws MailQueueException {
        long now = clock.millis();
        long due = delay == null || delay.isNegative() ? now : now + delay.toMillis();
        String id = String.format("%016d-%s-%06d-%016d", now, RUN, COUNTER.incrementAndGet(), due);
        Path temporary = folder.resolve(TEMPORARY_PREFIX + id);
        Path file = folder.resolve(id);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
                QueueFile.write(mail, out);
                out.flush();
                // the data and the file's size (fdatasync); the name is made durable by the folder's fsync below
                channel.force(false);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            syncFolder();
        } catch (Exception e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // a leftover temporary file is removed at the next start
            }
            if (Files.exists(file) && !Files.exists(temporary)) {
                // renamed but the folder could not be synced: the mail is visible; whether it survives a power cut
                // is unknown, so the enqueue fails (the client retries) and the file goes away
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // taken at the next start: at worst delivered twice, never lost
                }
            }
            throw new MailQueueException("cannot queue mail " + mail.getName() + " in " + name.asString() + ": " + e, e);
        }
        QueueFile.Envelope envelope = new QueueFile.Envelope(mail.getName(), mail.getMaybeSender(),
            List.copyOf(mail.getRecipients()));
        synchronized (lock) {
            add(new Entry(file, due, envelope), now);
        }
    }

    private void syncFolder() throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    @Override
    public void enQueue(Mail mail) throws MailQueueException {
        enQueue(mail, Duration.ZERO);
    }

    @Override
    public Publisher<Void> enqueueReactive(Mail mail) {
        return Mono.fromRunnable(() -> {
            try {
                enQueue(mail);
            } catch (MailQueueException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    /** Under {@link #lock}. */
    private void add(Entry entry, long now) {
        entries.put(entry.id, entry);
        makeDue(entry, now);
    }

    /** Under {@link #lock}. */
    private void makeDue(Entry entry, long now) {
        if (entry.due <= now) {
            entry.state = State.READY;
            ready.add(entry);
        } else {
            entry.state = State.DELAYED;
            delayed.add(entry);
        }
        lock.notifyAll();
    }

    /**
     * Each subscription is a consumer that gets at most as many mails as it requested. A mail that reaches a
     * consumer which cancelled meanwhile is discarded by Reactor: it is made ready again.
     */
    @Override
    public Flux<MailQueueItem> deQueue() {
        return Flux.<MailQueueItem>create(sink -> {
            Consumer consumer = new Consumer(sink);
            synchronized (lock) {
                consumers.add(consumer);
            }
            sink.onRequest(count -> {
                synchronized (lock) {
                    consumer.demand = count == Long.MAX_VALUE || consumer.demand + count < 0 ? Long.MAX_VALUE : consumer.demand + count;
                    lock.notifyAll();
                }
            });
            sink.onDispose(() -> {
                synchronized (lock) {
                    consumers.remove(consumer);
                }
            });
        }).doOnDiscard(MailQueueItem.class, this::notTaken);
    }

    private void dispatch() {
        while (true) {
            Consumer consumer;
            Entry entry;
            synchronized (lock) {
                while (true) {
                    if (closed) {
                        return;
                    }
                    long now = clock.millis();
                    while (!delayed.isEmpty() && delayed.peek().due <= now) {
                        Entry due = delayed.poll();
                        due.state = State.READY;
                        ready.add(due);
                    }
                    consumer = ready.isEmpty() ? null : consumerWithDemand();
                    if (consumer != null) {
                        break;
                    }
                    long wait = delayed.isEmpty() ? 0 : Math.max(1, delayed.peek().due - now);
                    try {
                        lock.wait(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                entry = ready.poll();
                entry.state = State.HANDED;
                if (consumer.demand != Long.MAX_VALUE) {
                    consumer.demand--;
                }
            }
            hand(consumer, entry);
        }
    }

    /** Under {@link #lock}: the consumers take turns. */
    private Consumer consumerWithDemand() {
        int count = consumers.size();
        for (int i = 0; i < count; i++) {
            Consumer consumer = consumers.get((nextConsumer + i) % count);
            if (consumer.demand > 0 && !consumer.sink.isCancelled()) {
                nextConsumer = (nextConsumer + i + 1) % count;
                return consumer;
            }
        }
        return null;
    }

    private void hand(Consumer consumer, Entry entry) {
        Mail mail;
        try {
            mail = QueueFile.read(entry.file);
        } catch (NoSuchFileException e) {
            synchronized (lock) {
                forget(entry);
                giveBackDemand(consumer);
            }
            return;
        } catch (Exception e) {
            setAside(entry, e);
            synchronized (lock) {
                giveBackDemand(consumer);
            }
            return;
        }
        MailQueueItem item = decorators.decorate(new Item(entry, mail), name);
        synchronized (lock) {
            handed.put(item, entry);
        }
        metrics.dequeued();
        consumer.sink.next(item);
    }

    /** Under {@link #lock}. */
    private void giveBackDemand(Consumer consumer) {
        if (consumer.demand != Long.MAX_VALUE) {
            consumer.demand++;
        }
    }

    /** A file that cannot be read is renamed out of the queue (kept for a human, never taken again nor deleted). */
    private void setAside(Entry entry, Exception problem) {
        Path aside = entry.file.resolveSibling(entry.id + ".unreadable");
        LOGGER.error("Queue {}: mail file {} cannot be read ({}); it is set aside as {}", name.asString(), entry.file,
            problem.toString(), aside);
        try {
            Files.move(entry.file, aside);
        } catch (IOException e) {
            LOGGER.error("Cannot set {} aside: {}", entry.file, e.toString());
        }
        synchronized (lock) {
            forget(entry);
        }
    }

    /** Under {@link #lock}. */
    private void forget(Entry entry) {
        entries.remove(entry.id);
        ready.remove(entry);
        delayed.remove(entry);
    }

    /** A mail handed to a consumer that had cancelled: it is ready again for the others. */
    private void notTaken(MailQueueItem item) {
        synchronized (lock) {
            Entry entry = handed.remove(item);
            if (entry != null && entry.state == State.HANDED) {
                entry.due = clock.millis();
                makeDue(entry, entry.due);
            }
        }
        LifecycleUtil.dispose(item.getMail());
    }

    private final class Item implements MailQueueItem {
        private final Entry entry;
        private final Mail mail;

        Item(Entry entry, Mail mail) {
            this.entry = entry;
            this.mail = mail;
        }

        @Override
        public Mail getMail() {
            return mail;
        }

        @Override
        public void done(CompletionStatus status) throws MailQueueException {
            synchronized (lock) {
                handed.values().remove(entry);
                if (entry.state != State.HANDED) {
                    return; // done twice, or removed meanwhile
                }
                switch (status) {
                    case SUCCESS -> entry.state = State.PARKED; // being deleted
                    case RETRY -> {
                        entry.due = clock.millis() + RETRY_DELAY.toMillis();
                        makeDue(entry, clock.millis());
                        return;
                    }
                    default -> {
                        entry.state = State.PARKED;
                        return;
                    }
                }
            }
            try {
                Files.deleteIfExists(entry.file);
            } catch (IOException e) {
                synchronized (lock) {
                    entry.state = State.HANDED;
                }
                throw new MailQueueException("cannot remove mail " + mail.getName() + " from " + name.asString() + ": " + e, e);
            }
            synchronized (lock) {
                forget(entry);
            }
        }
    }

    @Override
    public long getSize() {
        synchronized (lock) {
            return entries.size();
        }
    }

    /** Every mail waiting for its time is made due now. */
    @Override
    public long flush() {
        synchronized (lock) {
            long count = delayed.size();
            long now = clock.millis();
            while (!delayed.isEmpty()) {
                Entry entry = delayed.poll();
                entry.due = now;
                entry.state = State.READY;
                ready.add(entry);
            }
            lock.notifyAll();
            return count;
        }
    }

    /** Removes every mail not being processed right now. */
    @Override
    public long clear() {
        return removeWhere(entry -> true);
    }

    @Override
    public long remove(Type type, String value) {
        return removeWhere(envelope -> switch (type) {
            case Name -> envelope.name().equals(value);
            case Sender -> envelope.sender().asString("").equalsIgnoreCase(value);
            case Recipient -> envelope.hasRecipient(value);
        });
    }

    private long removeWhere(java.util.function.Predicate<QueueFile.Envelope> matches) {
        List<Entry> candidates;
        synchronized (lock) {
            candidates = entries.values().stream().filter(entry -> entry.state != State.HANDED).toList();
        }
        long removed = 0;
        for (Entry entry : candidates) {
            QueueFile.Envelope envelope = entry.envelope;
            if (envelope == null) {
                try {
                    envelope = QueueFile.readEnvelope(entry.file);
                    entry.envelope = envelope;
                } catch (IOException e) {
                    continue;
                }
            }
            if (!matches.test(envelope)) {
                continue;
            }
            synchronized (lock) {
                if (entry.state == State.HANDED || !entries.containsKey(entry.id)) {
                    continue;
                }
                forget(entry);
            }
            try {
                Files.deleteIfExists(entry.file);
                removed++;
            } catch (IOException e) {
                LOGGER.warn("Queue {}: cannot delete {}: {}", name.asString(), entry.file, e.toString());
            }
        }
        return removed;
    }

    @Override
    public MailQueueIterator browse() {
        List<Entry> snapshot;
        synchronized (lock) {
            snapshot = new ArrayList<>(entries.values());
        }
        Iterator<Entry> files = snapshot.iterator();
        return new MailQueueIterator() {
            private MailQueueItemView next;

            @Override
            public boolean hasNext() {
                while (next == null && files.hasNext()) {
                    Entry entry = files.next();
                    try {
                        Mail mail = QueueFile.read(entry.file);
                        next = new DefaultMailQueueItemView(mail,
                            ZonedDateTime.ofInstant(Instant.ofEpochMilli(entry.due), ZoneOffset.UTC));
                    } catch (IOException e) {
                        // taken or removed since the snapshot
                    }
                }
                return next != null;
            }

            @Override
            public MailQueueItemView next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                MailQueueItemView view = next;
                next = null;
                return view;
            }

            @Override
            public void close() {
                next = null;
            }
        };
    }

    Path folder() {
        return folder;
    }

    /**
     * Nothing: the queue is shared by everyone who asked the factory for it (James's SMTP handler closes "its" spool
     * queue when its server stops, while the spooler still uses it); {@link FileMailQueues#close} stops it.
     */
    @Override
    public void close() {
    }

    /** Stops handing out mail; what is queued stays on disk for the next start. */
    void shutdown() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        try {
            dispatcher.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
