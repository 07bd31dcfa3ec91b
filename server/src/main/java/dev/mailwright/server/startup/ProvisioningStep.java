package dev.mailwright.server.startup;

import javax.inject.Inject;

import org.apache.james.core.Domain;
import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.lifecycle.api.Startable;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.james.user.api.model.User;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;

/**
 * Applies the {@link Provisioning} of the environment at every start, once domains and users are available. It
 * only adds: a listed domain that is missing is created, nothing is ever removed. The postmaster account is created
 * if missing and its password set from the password file, so the secret stays the one source of that password
 * (rotate the secret and restart to change it).
 *
 * <p>It is also a health check, unhealthy until it has run: WebAdmin (and the Docker health check) start before it,
 * and "healthy" must mean that the postmaster can log in.
 */
public class ProvisioningStep implements Startable, HealthCheck {
    private static final Logger LOGGER = LoggerFactory.getLogger(ProvisioningStep.class);
    private static final ComponentName COMPONENT = new ComponentName("Provisioning");

    private final DomainList domains;
    private final UsersRepository users;
    private final Provisioning provisioning;
    private volatile boolean applied;

    @Inject
    public ProvisioningStep(DomainList domains, UsersRepository users, Provisioning provisioning) {
        this.domains = domains;
        this.users = users;
        this.provisioning = provisioning;
    }

    public void apply() throws DomainListException, UsersRepositoryException {
        for (Domain domain : provisioning.domains()) {
            if (!domains.containsDomain(domain)) {
                domains.addDomain(domain);
                LOGGER.info("Added the local domain {} ({})", domain.asString(), Provisioning.DOMAINS);
            }
        }
        if (provisioning.postmaster().isPresent()) {
            apply(provisioning.postmaster().get());
        }
        applied = true;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.just(applied ? Result.healthy(COMPONENT)
            : Result.unhealthy(COMPONENT, "the domains and postmaster account of the environment are not created yet"));
    }

    private void apply(Provisioning.Postmaster postmaster) throws DomainListException, UsersRepositoryException {
        Domain domain = postmaster.address().getDomainPart().orElseThrow();
        if (!domains.containsDomain(domain)) {
            throw new IllegalStateException("the postmaster " + postmaster.address().asString() + " is not in a local domain: "
                + "add " + domain.asString() + " to " + Provisioning.DOMAINS + " or set MAILWRIGHT_POSTMASTER to an address of a local domain");
        }
        User existing = users.getUserByName(postmaster.address());
        if (existing == null) {
            users.addUser(postmaster.address(), postmaster.password());
            LOGGER.info("Created the postmaster account {} ({})", postmaster.address().asString(), Provisioning.POSTMASTER_PASSWORD_FILE);
        } else {
            existing.setPassword(postmaster.password());
            users.updateUser(existing);
            LOGGER.info("Set the password of the postmaster account {} from {}", postmaster.address().asString(),
                Provisioning.POSTMASTER_PASSWORD_FILE);
        }
    }
}
