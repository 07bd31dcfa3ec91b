package dev.mailwright.server.modules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.lifecycle.api.Startable;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.indexer.ReIndexer;
import org.apache.james.mailbox.lucene.search.LuceneMessageSearchIndex;
import org.apache.james.task.TaskId;
import org.apache.james.task.TaskManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the Lucene search index durable. James's {@link LuceneMessageSearchIndex} adds documents to its writer and
 * commits them only when it is closed at a clean stop: searches see them meanwhile (near-real-time reader), but
 * after a crash the index would come back without any mail indexed since the start, and IMAP SEARCH would miss it.
 * <ul>
 *   <li>The index is committed every {@link #INTERVAL} and at shutdown, off the delivery path (committing per
 *       message would fsync per message).</li>
 *   <li>A marker file in the index folder says "running"; a clean stop removes it. Found at start, it means the
 *       previous run ended without a clean stop: the index may miss the mail of its last seconds (the mailboxes
 *       miss nothing), so a rebuild of the index is started as a WebAdmin task (visible under {@code /tasks}).</li>
 * </ul>
 */
public class SearchIndexCommitter implements Startable {
    static final Duration INTERVAL = Duration.ofSeconds(5);
    static final String RUNNING_MARKER = "mailwright-running";
    private static final int REBUILD_MESSAGES_PER_SECOND = 1000;
    private static final Logger LOGGER = LoggerFactory.getLogger(SearchIndexCommitter.class);

    private final LuceneMessageSearchIndex index;
    private final ReIndexer reIndexer;
    private final TaskManager tasks;
    private final Path marker;
    private final boolean uncleanStop;
    private final ScheduledExecutorService scheduler;
    private Optional<TaskId> rebuild = Optional.empty();

    @Inject
    SearchIndexCommitter(LuceneMessageSearchIndex index, ReIndexer reIndexer, TaskManager tasks,
                         JamesDirectoriesProvider directories) throws IOException {
        this.index = index;
        this.reIndexer = reIndexer;
        this.tasks = tasks;
        this.marker = Path.of(directories.getVarDirectory(), "search", RUNNING_MARKER);
        Files.createDirectories(marker.getParent());
        this.uncleanStop = Files.exists(marker);
        Files.writeString(marker, "the server is running; a clean stop removes this file\n");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "search-index-commit");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::commit, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Once the server is up: after an unclean stop, rebuild the index in the background. */
    Optional<TaskId> rebuildIfNeeded() throws MailboxException {
        if (!uncleanStop) {
            return Optional.empty();
        }
        TaskId task = tasks.submit(reIndexer.reIndex(ReIndexer.RunningOptions.builder()
            .mode(ReIndexer.RunningOptions.Mode.REBUILD_ALL)
            .messagesPerSeconds(Optional.of(REBUILD_MESSAGES_PER_SECOND))
            .build()));
        rebuild = Optional.of(task);
        LOGGER.warn("The previous run did not stop cleanly: rebuilding the search index in the background "
            + "(WebAdmin task {}); until it ends, IMAP SEARCH may miss the mail of the previous run's last seconds", task.asString());
        return Optional.of(task);
    }

    boolean commit() {
        try {
            index.commit();
            return true;
        } catch (IOException | RuntimeException e) {
            LOGGER.error("Cannot commit the search index; retrying in {}", INTERVAL, e);
            return false;
        }
    }

    /**
     * Commits the index. The marker goes only if the index is then complete: after an unclean stop, only once the
     * rebuild has ended (a start that failed before the rebuild began, or a stop during it, leaves the marker, and
     * the next start rebuilds).
     */
    @PreDestroy
    public void stop() throws InterruptedException, IOException {
        scheduler.shutdown();
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
        if (commit()) {
            LOGGER.info("Search index committed");
            if (!uncleanStop || rebuildCompleted()) {
                Files.deleteIfExists(marker);
            }
        }
    }

    private boolean rebuildCompleted() {
        return rebuild.map(task -> {
            try {
                return tasks.getExecutionDetails(task).getStatus() == TaskManager.Status.COMPLETED;
            } catch (RuntimeException e) {
                return false;
            }
        }).orElse(false);
    }
}
