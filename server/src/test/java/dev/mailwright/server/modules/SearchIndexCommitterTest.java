package dev.mailwright.server.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.mailbox.indexer.ReIndexer;
import org.apache.james.mailbox.lucene.search.LuceneMessageSearchIndex;
import org.apache.james.task.Task;
import org.apache.james.task.TaskId;
import org.apache.james.task.TaskExecutionDetails;
import org.apache.james.task.TaskManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchIndexCommitterTest {
    @TempDir
    Path data;

    LuceneMessageSearchIndex index = mock(LuceneMessageSearchIndex.class);
    ReIndexer reIndexer = mock(ReIndexer.class);
    TaskManager tasks = mock(TaskManager.class);
    JamesDirectoriesProvider directories = mock(JamesDirectoriesProvider.class);
    SearchIndexCommitter committer;

    @BeforeEach
    void setUp() throws Exception {
        when(directories.getVarDirectory()).thenReturn(data.toString());
        when(reIndexer.reIndex(any(ReIndexer.RunningOptions.class))).thenReturn(mock(Task.class));
        when(tasks.submit(any())).thenReturn(TaskId.generateTaskId());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (committer != null) {
            committer.stop();
        }
    }

    private Path marker() {
        return data.resolve("search").resolve(SearchIndexCommitter.RUNNING_MARKER);
    }

    @Test
    void aFirstStartRebuildsNothingAndMarksTheIndexInUse() throws Exception {
        committer = new SearchIndexCommitter(index, reIndexer, tasks, directories);

        assertThat(committer.rebuildIfNeeded()).isEmpty();
        assertThat(marker()).exists();
        verify(tasks, never()).submit(any());
    }

    @Test
    void aCleanStopCommitsAndRemovesTheMarkerSoTheNextStartRebuildsNothing() throws Exception {
        new SearchIndexCommitter(index, reIndexer, tasks, directories).stop();

        verify(index).commit();
        assertThat(marker()).doesNotExist();
        committer = new SearchIndexCommitter(index, reIndexer, tasks, directories);
        assertThat(committer.rebuildIfNeeded()).isEmpty();
    }

    @Test
    void aMarkerLeftByACrashStartsARebuildTask() throws Exception {
        Files.createDirectories(marker().getParent());
        Files.writeString(marker(), "left by a run that did not stop cleanly");

        committer = new SearchIndexCommitter(index, reIndexer, tasks, directories);

        assertThat(committer.rebuildIfNeeded()).isPresent();
        verify(reIndexer).reIndex(any(ReIndexer.RunningOptions.class));
        verify(tasks).submit(any());
    }

    @Test
    void aStopWhoseCommitFailsKeepsTheMarker() throws Exception {
        doThrow(new IOException("disk full")).when(index).commit();

        new SearchIndexCommitter(index, reIndexer, tasks, directories).stop();

        assertThat(marker()).exists();
    }

    @Test
    void afterACrashTheMarkerStaysUntilTheRebuildHasEnded() throws Exception {
        Files.createDirectories(marker().getParent());
        Files.writeString(marker(), "left by a run that did not stop cleanly");
        TaskExecutionDetails details = mock(TaskExecutionDetails.class);
        when(tasks.getExecutionDetails(any())).thenReturn(details);

        // a start that failed before the rebuild began, then one stopped during the rebuild: the next start rebuilds
        new SearchIndexCommitter(index, reIndexer, tasks, directories).stop();
        assertThat(marker()).exists();
        SearchIndexCommitter rebuilding = new SearchIndexCommitter(index, reIndexer, tasks, directories);
        rebuilding.rebuildIfNeeded();
        when(details.getStatus()).thenReturn(TaskManager.Status.IN_PROGRESS);
        rebuilding.stop();
        assertThat(marker()).exists();

        SearchIndexCommitter rebuilt = new SearchIndexCommitter(index, reIndexer, tasks, directories);
        assertThat(rebuilt.rebuildIfNeeded()).isPresent();
        when(details.getStatus()).thenReturn(TaskManager.Status.COMPLETED);
        rebuilt.stop();
        assertThat(marker()).doesNotExist();
    }
}
