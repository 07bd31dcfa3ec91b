package dev.mailwright.server.modules;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.dropwizard.MetricsRoutes;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

/** Prometheus text format of every James metric at {@code GET /metrics} on the WebAdmin port. */
public class MetricsModule extends AbstractModule {
    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), Routes.class).addBinding().to(MetricsRoutes.class);
    }
}
