package dev.mailwright.server.startup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.apache.james.core.healthcheck.Result;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.user.memory.MemoryUsersRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;

class ProvisioningStepTest {
    static final Username POSTMASTER = Username.of("postmaster@example.com");

    MemoryDomainList domains;
    MemoryUsersRepository users;

    @BeforeEach
    void setUp() throws Exception {
        domains = new MemoryDomainList(null);
        domains.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false)
            .defaultDomain(Domain.of("mx.example.net")).build());
        users = MemoryUsersRepository.withVirtualHosting(domains);
    }

    ProvisioningStep step(List<String> domainNames, Optional<String> postmasterPassword) {
        return new ProvisioningStep(domains, users, new Provisioning(
            domainNames.stream().map(Domain::of).toList(),
            postmasterPassword.map(password -> new Provisioning.Postmaster(POSTMASTER, password))));
    }

    @Test
    void missingDomainsAreAddedAndExistingOnesKept() throws Exception {
        domains.addDomain(Domain.of("example.org"));

        step(List.of("example.com", "example.org"), Optional.empty()).apply();

        assertThat(domains.getDomains()).containsExactlyInAnyOrder(Domain.of("mx.example.net"), Domain.of("example.com"), Domain.of("example.org"));
    }

    @Test
    void thePostmasterAccountIsCreatedAndItsPasswordFollowsTheSecret() throws Exception {
        step(List.of("example.com"), Optional.of("first")).apply();
        assertThat(users.test(POSTMASTER, "first")).isTrue();

        step(List.of("example.com"), Optional.of("rotated")).apply();
        assertThat(users.test(POSTMASTER, "rotated")).isTrue();
        assertThat(users.test(POSTMASTER, "first")).isFalse();
        assertThat(users.countUsers()).isEqualTo(1);
    }

    @Test
    void aPostmasterOutsideTheLocalDomainsIsRefusedWithTheFix() {
        assertThatThrownBy(() -> step(List.of("example.org"), Optional.of("secret")).apply())
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("the postmaster postmaster@example.com is not in a local domain: add example.com to MAILWRIGHT_DOMAINS "
                + "or set MAILWRIGHT_POSTMASTER to an address of a local domain");
    }

    @Test
    void itIsUnhealthyUntilApplied() throws Exception {
        ProvisioningStep step = step(List.of("example.com"), Optional.empty());
        assertThat(Mono.from(step.check()).block().isUnHealthy()).isTrue();

        step.apply();

        Result result = Mono.from(step.check()).block();
        assertThat(result.isHealthy()).isTrue();
        assertThat(result.getComponentName().getName()).isEqualTo("Provisioning");
    }
}
