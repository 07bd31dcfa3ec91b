package dev.mailwright.server.modules;

import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;

import dev.mailwright.server.startup.Provisioning;
import dev.mailwright.server.startup.ProvisioningStep;

/**
 * Creates the domains and the postmaster account the environment asks for, during the server's start; WebAdmin's
 * {@code /healthcheck} reports "Provisioning" unhealthy until that is done.
 */
public class ProvisioningModule extends AbstractModule {
    private final Provisioning provisioning;

    public ProvisioningModule(Provisioning provisioning) {
        this.provisioning = provisioning;
    }

    @Override
    protected void configure() {
        bind(Provisioning.class).toInstance(provisioning);
        bind(ProvisioningStep.class).in(Scopes.SINGLETON);
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(ProvisioningStep.class);
    }

    @ProvidesIntoSet
    InitializationOperation provision(ProvisioningStep step) {
        return InitilizationOperationBuilder.forClass(ProvisioningStep.class).init(step::apply);
    }
}
