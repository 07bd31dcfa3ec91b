package dev.mailwright.server.modules;

import java.lang.reflect.Method;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.james.core.Domain;
import org.apache.james.domainlist.jpa.JPADomainList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import com.google.inject.matcher.AbstractMatcher;
import com.google.inject.matcher.Matchers;

import dev.mailwright.mailets.dkim.DkimAlgorithm;
import dev.mailwright.mailets.dkim.DkimKeyStore;

/**
 * A domain added to the server (WebAdmin, {@code ./mailwright admin domain add}, {@code MAILWRIGHT_DOMAINS}) gets its
 * DKIM key (RSA-2048) in the data folder at once, so its mail is signed as soon as the record is published
 * ({@code ./mailwright admin dns DOMAIN} prints it). A failure to make the key is logged, never a failed domain add:
 * {@code ./mailwright admin dkim generate DOMAIN} makes it later.
 */
public class DkimModule extends AbstractModule {
    private static final Logger LOGGER = LoggerFactory.getLogger(DkimModule.class);

    @Override
    protected void configure() {
        Provider<DkimKeyStore> keys = getProvider(DkimKeyStore.class);
        bindInterceptor(Matchers.subclassesOf(JPADomainList.class), new AbstractMatcher<Method>() {
            @Override
            public boolean matches(Method method) {
                return method.getName().equals("addDomain") && method.getParameterCount() == 1
                    && method.getParameterTypes()[0] == Domain.class;
            }
        }, new KeyForNewDomain(keys));
    }

    private static final class KeyForNewDomain implements MethodInterceptor {
        private final Provider<DkimKeyStore> keys;

        KeyForNewDomain(Provider<DkimKeyStore> keys) {
            this.keys = keys;
        }

        @Override
        public Object invoke(MethodInvocation invocation) throws Throwable {
            Object result = invocation.proceed();
            Domain domain = (Domain) invocation.getArguments()[0];
            try {
                keys.get().generate(domain.asString(), DkimAlgorithm.RSA);
            } catch (RuntimeException e) {
                LOGGER.warn("DKIM: no key could be made for the new domain {} ({}); mail of it is not signed until "
                    + "'./mailwright admin dkim generate {}' succeeds", domain.asString(), e.getMessage(), domain.asString(), e);
            }
            return result;
        }
    }
}
