package dev.mailwright.mailets.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.mailwright.mailets.routing.Route.Kind;
import dev.mailwright.mailets.routing.Route.TlsLevel;

class TransportMapTest {
    private static final TransportMap MAP = parse("""
        <transport>
            <route domain="example.org" to="smtp:[mail.example.org]:2525" tls="require"/>
            <route domain=".example.org" to="lmtp:[10.0.0.5]"/>
            <route domain=".deep.example.org" to="hold"/>
            <route domain="Blocked.Test" to="reject" reply="550 5.7.1 Not there"/>
            <route domain="local.test" to="local"/>
            <sender domain="bulk.example.com" to="smtp:[bulk.relay]:587" credentials="/etc/mw/bulk"/>
            <sender domain=".marketing.example.com" to="smtp:[10.1.1.1]"/>
            <default to="mx"/>
        </transport>
        """);

    @Test
    void anExactDomainWinsOverItsWildcard() {
        Route route = MAP.routeFor(Optional.empty(), "example.org");
        assertThat(route.kind()).isEqualTo(Kind.SMTP);
        assertThat(route.host()).isEqualTo("mail.example.org");
        assertThat(route.port()).isEqualTo(2525);
        assertThat(route.tls()).isEqualTo(TlsLevel.REQUIRE);
    }

    @Test
    void aWildcardCoversSubdomainsAndTheLongestWins() {
        assertThat(MAP.routeFor(Optional.empty(), "a.example.org").kind()).isEqualTo(Kind.LMTP);
        assertThat(MAP.routeFor(Optional.empty(), "a.example.org").port()).isEqualTo(24);
        assertThat(MAP.routeFor(Optional.empty(), "x.deep.example.org").kind()).isEqualTo(Kind.HOLD);
        assertThat(MAP.routeFor(Optional.empty(), "notexample.org").kind()).isEqualTo(Kind.MX);
    }

    @Test
    void domainsCompareCaseInsensitivelyAndIgnoreATrailingDot() {
        assertThat(MAP.routeFor(Optional.empty(), "BLOCKED.test.").kind()).isEqualTo(Kind.REJECT);
        assertThat(MAP.routeFor(Optional.empty(), "blocked.test").reply()).isEqualTo("550 5.7.1 Not there");
    }

    @Test
    void theSenderDomainDecidesWhenNoRecipientRouteMatches() {
        Route bulk = MAP.routeFor(Optional.of("bulk.example.com"), "gmail.test");
        assertThat(bulk.host()).isEqualTo("bulk.relay");
        assertThat(bulk.credentials()).contains(Path.of("/etc/mw/bulk"));
        assertThat(MAP.routeFor(Optional.of("eu.marketing.example.com"), "gmail.test").host()).isEqualTo("10.1.1.1");
        assertThat(MAP.routeFor(Optional.of("bulk.example.com"), "example.org").host()).isEqualTo("mail.example.org");
        assertThat(MAP.routeFor(Optional.of("other.test"), "gmail.test")).isEqualTo(Route.MX_DEFAULT);
    }

    @Test
    void withoutDefaultTheRouteIsMx() {
        assertThat(parse("<transport/>").routeFor(Optional.empty(), "any.test")).isEqualTo(Route.MX_DEFAULT);
    }

    @Test
    void mistakesAreReportedPrecisely() {
        assertThatThrownBy(() -> parse("<transport><route domain='a.test' to='smtp'/></transport>"))
            .hasMessageContaining("unknown route 'smtp'");
        assertThatThrownBy(() -> parse("<transport><route to='mx'/></transport>"))
            .hasMessageContaining("needs a 'domain'");
        assertThatThrownBy(() -> parse("<transport><route domain='a.test' to='mx' tls='maybe'/></transport>"))
            .hasMessageContaining("tls must be may, require or none");
        assertThatThrownBy(() -> parse("<transport><route domain='a.test' to='mx' color='red'/></transport>"))
            .hasMessageContaining("unknown attribute(s) [color]");
        assertThatThrownBy(() -> parse("<transport><route domain='a.test' to='mx'/><route domain='A.test' to='hold'/></transport>"))
            .hasMessageContaining("appears twice");
        assertThatThrownBy(() -> parse("<transport><route domain='a.test' to='reject' reply='go away'/></transport>"))
            .hasMessageContaining("550 5.7.1 text");
        assertThatThrownBy(() -> parse("<transport><route domain='a.test' to='mx' credentials='/x'/></transport>"))
            .hasMessageContaining("only for smtp:");
        assertThatThrownBy(() -> parse("<transport><route domain='a.test' to='smtp:[h]:99999x'/></transport>"))
            .hasMessageContaining("bad port");
        assertThatThrownBy(() -> parse("<transport><route domain='a.test' to='lmtp:]'/></transport>"))
            .hasMessageContaining("bad host ']'");
        assertThatThrownBy(() -> parse("<transport><route domain='a.test' to='smtp:[relay host]:25'/></transport>"))
            .hasMessageContaining("bad host 'relay host'");
        assertThatThrownBy(() -> parse("<routes/>")).hasMessageContaining("<transport>");
        assertThatThrownBy(() -> parse("<transport>")).hasMessageContaining("not well-formed");
        assertThatThrownBy(() -> parse("<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><transport/>"))
            .hasMessageContaining("not well-formed");
    }

    @Test
    void aRouteSurvivesItsTextForm() {
        for (String to : new String[] {"mx", "smtp:[relay.test]:587", "lmtp:[::1]:24", "local", "hold"}) {
            Route route = Route.parse(to, java.util.Map.of("tls", "none"));
            assertThat(Route.fromText(route.asText())).isEqualTo(route);
        }
        Route withCredentials = Route.parse("smtp:relay.test", java.util.Map.of("credentials", "/etc/relay.cred"));
        assertThat(Route.fromText(withCredentials.asText())).isEqualTo(withCredentials);
        assertThat(withCredentials.destination()).isEqualTo("smtp:[relay.test]:25");
        // a reject route keeps its own reply (fuzzing found it replaced by the default one), a path its spaces
        Route reject = Route.parse("reject", java.util.Map.of("reply", "550 5.7.1 We do not send mail there, see https://x.test/?a=1+2"));
        assertThat(Route.fromText(reject.asText())).isEqualTo(reject);
        Route spaced = Route.parse("smtp:relay.test", java.util.Map.of("credentials", "/etc/relay secrets/relay.cred"));
        assertThat(Route.fromText(spaced.asText())).isEqualTo(spaced);
    }

    private static TransportMap parse(String xml) {
        try {
            return TransportMap.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
