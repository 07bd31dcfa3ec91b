package dev.mailwright.mailets.routing;

import java.time.Duration;
import java.util.List;

import javax.inject.Inject;

import dev.mailwright.common.store.StateStore;

/**
 * The repositories that {@code hold} routes fill, as the routers announce them in the {@link StateStore}: the
 * WebAdmin hold routes (loaded apart from the mailets) learn from it where to look.
 */
public class HoldRepositories {
    static final String NAMESPACE = "hold-repositories";
    private static final Duration ANNOUNCEMENT = Duration.ofDays(3650);

    private final StateStore store;

    @Inject
    public HoldRepositories(StateStore store) {
        this.store = store;
    }

    void announce(String repositoryUrl) {
        store.put(NAMESPACE, repositoryUrl, repositoryUrl, ANNOUNCEMENT);
    }

    public List<String> urls() {
        return store.scan(NAMESPACE, "", 100).stream().map(StateStore.Entry::value).toList();
    }
}
