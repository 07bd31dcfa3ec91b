package dev.mailwright.server.modules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.inject.Singleton;

import org.apache.james.events.EventListener;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.mailbox.lucene.search.LuceneMessageSearchIndex;
import org.apache.james.mailbox.store.search.ListeningMessageSearchIndex;
import org.apache.james.mailbox.store.search.MessageSearchIndex;
import org.apache.james.modules.mailbox.ReIndexingTaskSerializationModule;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;

/** IMAP SEARCH through a Lucene index kept in {@code <data>/search}, committed by {@link SearchIndexCommitter}. */
public class LuceneSearchModule extends AbstractModule {

    @Override
    protected void configure() {
        install(new ReIndexingTaskSerializationModule());

        bind(LuceneMessageSearchIndex.class).in(Scopes.SINGLETON);
        bind(MessageSearchIndex.class).to(LuceneMessageSearchIndex.class);
        bind(ListeningMessageSearchIndex.class).to(LuceneMessageSearchIndex.class);
        Multibinder.newSetBinder(binder(), EventListener.ReactiveGroupEventListener.class)
            .addBinding().to(LuceneMessageSearchIndex.class);
        // James never commits the index writer: commit it periodically and at shutdown
        bind(SearchIndexCommitter.class).asEagerSingleton();
    }

    @ProvidesIntoSet
    InitializationOperation rebuildAfterUncleanStop(SearchIndexCommitter committer) {
        return InitilizationOperationBuilder
            .forClass(SearchIndexCommitter.class)
            .init(committer::rebuildIfNeeded);
    }

    @Provides
    @Singleton
    Directory provideDirectory(JamesDirectoriesProvider directories) throws IOException {
        Path index = Path.of(directories.getVarDirectory(), "search");
        Files.createDirectories(index);
        return FSDirectory.open(index.toFile());
    }
}
