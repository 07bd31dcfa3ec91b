package dev.mailwright.server.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import org.apache.james.core.Username;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapConstants;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.Tag;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.encode.FakeImapSession;
import org.apache.james.imap.message.request.IRAuthenticateRequest;
import org.apache.james.imap.message.request.LoginRequest;
import org.apache.james.imap.message.request.NoopRequest;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.junit.jupiter.api.Test;


class AuthenticationObservingProcessorTest {
    private final UnpooledStatusResponseFactory statuses = new UnpooledStatusResponseFactory();
    private final List<String> outcomes = new ArrayList<>();
    private final List<ImapResponseMessage> sent = new ArrayList<>();
    private final ImapProcessor.Responder client = new ImapProcessor.Responder() {
        @Override
        public void respond(ImapResponseMessage message) {
            sent.add(message);
        }

        @Override
        public void flush() {
        }
    };
    private final ImapAuthenticationListener recorder = new ImapAuthenticationListener() {
        @Override
        public void authenticated(ImapAuthentication authentication, ImapSession session) {
            outcomes.add("ok " + authentication);
        }

        @Override
        public void failed(ImapAuthentication authentication, ImapSession session) {
            outcomes.add("failed " + authentication);
        }
    };

    /** James's processor, answering every command with {@code answer}. */
    private ImapProcessor james(StatusResponse answer) {
        return new ImapProcessor() {
            @Override
            public void process(ImapMessage message, Responder responder, ImapSession session) {
                responder.respond(answer);
            }

            @Override
            public reactor.core.publisher.Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
                return reactor.core.publisher.Mono.fromRunnable(() -> process(message, responder, session));
            }

            @Override
            public void configure(ImapConfiguration imapConfiguration) {
            }
        };
    }

    @Test
    void aFailedLoginIsToldWithTheUserAndJamesAnswerGoesOutUnchanged() {
        Tag tag = new Tag("a1");
        StatusResponse no = statuses.taggedNo(tag, ImapConstants.LOGIN_COMMAND, HumanReadableText.INVALID_LOGIN);
        AuthenticationObservingProcessor processor = new AuthenticationObservingProcessor(james(no), Set.of(recorder));

        processor.processReactive(new LoginRequest(Username.of("alice@example.test"), "wrong", tag), client, new FakeImapSession()).block();

        assertThat(sent).containsExactly(no);
        assertThat(outcomes).containsExactly("failed ImapAuthentication[client=unknown, user=Optional[alice@example.test], "
            + "mechanism=LOGIN, tls=false, succeeded=false, reply=NO LOGIN failed. Invalid login/password.]");
    }

    @Test
    void aSuccessfulAuthenticatePlainIsToldWithTheUserOfItsInitialResponse() {
        Tag tag = new Tag("a2");
        StatusResponse ok = statuses.taggedOk(tag, ImapConstants.AUTHENTICATE_COMMAND, HumanReadableText.COMPLETED);
        AuthenticationObservingProcessor processor = new AuthenticationObservingProcessor(james(ok), Set.of(recorder));
        String initial = Base64.getEncoder().encodeToString("\0bob@example.test\0secret".getBytes(StandardCharsets.UTF_8));

        processor.process(new IRAuthenticateRequest("plain", tag, initial), client, new FakeImapSession());

        assertThat(outcomes).singleElement().asString().startsWith("ok ").contains("user=Optional[bob@example.test]")
            .contains("mechanism=PLAIN");
    }

    @Test
    void otherCommandsAreNotWatched() {
        Tag tag = new Tag("a3");
        StatusResponse ok = statuses.taggedOk(tag, ImapConstants.NOOP_COMMAND, HumanReadableText.COMPLETED);
        AuthenticationObservingProcessor processor = new AuthenticationObservingProcessor(james(ok), Set.of(recorder));

        processor.process(new NoopRequest(tag), client, new FakeImapSession());

        assertThat(sent).containsExactly(ok);
        assertThat(outcomes).isEmpty();
    }

    @Test
    void plainUserNamesAreReadFromTheInitialResponseOnly() {
        String initial = Base64.getEncoder().encodeToString("admin\0bob@example.test\0secret".getBytes(StandardCharsets.UTF_8));

        assertThat(AuthenticationObservingProcessor.plainUser("PLAIN", initial)).contains("bob@example.test");
        assertThat(AuthenticationObservingProcessor.plainUser("OAUTHBEARER", initial)).isEmpty();
        assertThat(AuthenticationObservingProcessor.plainUser("PLAIN", "not base64!")).isEmpty();
    }
}
