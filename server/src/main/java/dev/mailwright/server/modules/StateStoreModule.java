package dev.mailwright.server.modules;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;

import dev.mailwright.common.store.StateStore;
import dev.mailwright.server.store.StateDatabase;

/**
 * The {@link StateStore} of hooks and mailets (greylisting, delivery traces...) is the database one: state survives
 * restarts and is shared by nodes on the same PostgreSQL.
 */
public class StateStoreModule extends AbstractModule {
    @Provides
    @Singleton
    StateStore provideStateStore(StateDatabase database) {
        return database.store();
    }
}
