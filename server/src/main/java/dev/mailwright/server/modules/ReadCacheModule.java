package dev.mailwright.server.modules;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.apache.james.domainlist.jpa.JPADomainList;
import org.apache.james.mailbox.jpa.quota.JPAPerUserMaxQuotaManager;
import org.apache.james.rrt.jpa.JPARecipientRewriteTable;
import org.apache.james.sieve.jpa.JPASieveRepository;
import org.apache.james.sieverepository.api.exception.ScriptNotFoundException;
import org.apache.james.user.jpa.JPAUsersRepository;

import com.google.inject.AbstractModule;
import com.google.inject.matcher.Matchers;

/**
 * Short-lived caches ({@link CachedReads}) in front of the lookups that every delivered message repeats: domain and
 * user existence, alias resolution, "has this user an active Sieve script", the quota limits checked before each
 * append. Profiles of the delivery path showed them at about 15% of the server's CPU per message, all of it
 * database round trips with the same answer.
 */
public class ReadCacheModule extends AbstractModule {
    /** How stale a change made outside this server (another process on the same database) may be seen. */
    static final Duration TTL = Duration.ofSeconds(10);

    @Override
    protected void configure() {
        ReadCaches caches = new ReadCaches();
        bind(ReadCaches.class).toInstance(caches);
        // James's own domain list cache (domainlist.xml read.cache) is not invalidated when a domain is added, so a
        // domain added then used at once (domain add, then user add) would be refused for its lifetime: ours is
        bindInterceptor(Matchers.subclassesOf(JPADomainList.class), Matchers.any(),
            caches.register("domains", CachedReads.of(TTL, "containsDomain")));
        bindInterceptor(Matchers.subclassesOf(JPAUsersRepository.class), Matchers.any(),
            caches.register("users", CachedReads.of(TTL, "contains")));
        bindInterceptor(Matchers.subclassesOf(JPARecipientRewriteTable.class), Matchers.any(),
            caches.register("aliases", CachedReads.of(TTL, "getResolvedMappings")));
        bindInterceptor(Matchers.subclassesOf(JPASieveRepository.class), Matchers.any(),
            caches.register("sieve", new CachedReads(TTL, Set.of("getActivationDateForActiveScript"),
                Map.of("getActivationDateForActiveScript", ScriptNotFoundException.class),
                Map.of("getActivationDateForActiveScript", NoActiveSieveScript::new))));
        bindInterceptor(Matchers.subclassesOf(JPAPerUserMaxQuotaManager.class), Matchers.any(),
            caches.register("quota-limits", CachedReads.of(TTL, "quotaDetailsReactive")));
    }
}
