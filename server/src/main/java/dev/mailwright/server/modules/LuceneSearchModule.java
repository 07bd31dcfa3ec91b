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
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;

/** IMAP SEARCH through a Lucene index kept in {@code <data>/search}. */
public class LuceneSearchModule extends AbstractModule {

    @Override
    protected void configure() {
        install(new ReIndexingTaskSerializationModule());

        bind(LuceneMessageSearchIndex.class).in(Scopes.SINGLETON);
        bind(MessageSearchIndex.class).to(LuceneMessageSearchIndex.class);
        bind(ListeningMessageSearchIndex.class).to(LuceneMessageSearchIndex.class);
        Multibinder.newSetBinder(binder(), EventListener.ReactiveGroupEventListener.class)
            .addBinding().to(LuceneMessageSearchIndex.class);
    }

    @Provides
    @Singleton
    Directory provideDirectory(JamesDirectoriesProvider directories) throws IOException {
        Path index = Path.of(directories.getVarDirectory(), "search");
        Files.createDirectories(index);
        return FSDirectory.open(index.toFile());
    }
}
