package dev.mailwright.server.webadmin;

import java.io.FileNotFoundException;

import javax.inject.Named;
import javax.inject.Singleton;

import org.apache.james.jwt.JwtTokenVerifier;
import org.apache.james.utils.PropertiesProvider;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.authentication.AuthenticationFilter;
import org.apache.james.webadmin.authentication.JwtFilter;
import org.apache.james.webadmin.authentication.NoAuthenticationFilter;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;

/**
 * WebAdmin's protections (overrides James's authentication binding): the JWT filter when {@code jwt.enabled=true}
 * (the shipped default, key and token made by {@code WebAdminCredentials}), with a log line per refusal, and the
 * {@link WebAdminRequestGuard} against browsers on every route.
 */
public class WebAdminSecurityModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(WebAdminRequestGuard.class).in(Scopes.SINGLETON);
        Multibinder.newSetBinder(binder(), Routes.class).addBinding().to(WebAdminRequestGuard.class);
    }

    @Provides
    @Singleton
    AuthenticationFilter authenticationFilter(PropertiesProvider properties, WebAdminRequestGuard guard,
                                              @Named("webadmin") JwtTokenVerifier.Factory verifier) throws Exception {
        boolean jwt;
        try {
            jwt = properties.getConfiguration("webadmin").getBoolean("jwt.enabled", false);
        } catch (FileNotFoundException e) {
            jwt = false;
        }
        return new WebAdminAuthentication(guard, jwt ? new JwtFilter(verifier) : new NoAuthenticationFilter());
    }
}
