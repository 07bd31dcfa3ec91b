package dev.mailwright.smtp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.protocols.api.BaseRequest;
import org.apache.james.protocols.api.Response;
import org.junit.jupiter.api.Test;

import dev.mailwright.smtp.testing.FakeSession;

class NoAuthHandlerTest {
    private final NoAuthHandler handler = new NoAuthHandler();

    @Test
    void refusesAuthEvenAfterTls() {
        Response response = handler.onCommand(new FakeSession("192.0.2.1").tls(true), new BaseRequest("AUTH", "PLAIN AGFAYgBj"));

        assertThat(response.getRetCode()).isEqualTo("503");
        assertThat(String.join(" ", response.getLines())).contains("5.5.1").contains("587");
    }

    @Test
    void handlesOnlyTheAuthCommand() {
        assertThat(handler.getImplCommands()).containsExactly("AUTH");
    }
}
