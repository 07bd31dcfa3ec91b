package dev.mailwright.smtp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.BaseRequest;
import org.junit.jupiter.api.Test;

import dev.mailwright.smtp.testing.FakeSession;

class AuthRequiresTlsHandlerTest {
    private final AuthRequiresTlsHandler handler = new AuthRequiresTlsHandler();

    @Test
    void refusesAuthOnAPlainConnection() {
        Response response = handler.onCommand(new FakeSession("192.0.2.1"), new BaseRequest("AUTH", "PLAIN AGFAYgBj"));

        assertThat(response.getRetCode()).isEqualTo("538");
        assertThat(String.join(" ", response.getLines())).contains("5.7.11 Encryption required");
    }

    @Test
    void stepsAsideOnceTlsIsActive() {
        assertThat(handler.onCommand(new FakeSession("192.0.2.1").tls(true), new BaseRequest("AUTH", "PLAIN AGFAYgBj"))).isNull();
    }

    @Test
    void handlesOnlyTheAuthCommand() {
        assertThat(handler.getImplCommands()).containsExactly("AUTH");
    }
}
