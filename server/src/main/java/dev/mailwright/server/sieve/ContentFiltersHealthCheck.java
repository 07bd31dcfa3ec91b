package dev.mailwright.server.sieve;

import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import dev.mailwright.common.filter.FilterServices;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * WebAdmin's {@code /healthcheck} entry "Content filters": asks each configured filter whether it answers (rspamd's
 * {@code /ping}, clamd's {@code PING}). One that does not makes the server <em>degraded</em>, not unhealthy: mail is
 * still accepted (unscanned, or refused with 451, as {@code <onFailure>} says). No filter configured: healthy.
 */
public class ContentFiltersHealthCheck implements HealthCheck {
    private static final ComponentName COMPONENT = new ComponentName("Content filters");

    private final FilterServices services;

    @Inject
    public ContentFiltersHealthCheck(FilterServices services) {
        this.services = services;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(this::probe).subscribeOn(Schedulers.boundedElastic());
    }

    private Result probe() {
        List<String> problems = new ArrayList<>();
        for (FilterServices.Service service : services.services()) {
            String problem = service.probe().get();
            if (problem == null) {
                services.succeeded(service.name());
            } else {
                problems.add(service.name() + " (" + service.address() + "): " + problem);
            }
        }
        return problems.isEmpty() ? Result.healthy(COMPONENT) : Result.degraded(COMPONENT, String.join("; ", problems));
    }
}
