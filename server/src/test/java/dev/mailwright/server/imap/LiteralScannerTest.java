package dev.mailwright.server.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;

class LiteralScannerTest {
    private final LiteralScanner scanner = new LiteralScanner();
    private final List<String> events = new ArrayList<>();
    private long refuseAbove = Long.MAX_VALUE;

    private final LiteralScanner.Listener listener = new LiteralScanner.Listener() {
        @Override
        public boolean literal(long size) {
            events.add("literal " + size);
            return size <= refuseAbove;
        }

        @Override
        public void commandEnd() {
            events.add("end");
        }
    };

    private boolean feed(String text) {
        return scanner.scan(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1), listener);
    }

    @Test
    void plainCommandsEndAtTheirLine() {
        feed("a1 CAPABILITY\r\na2 NOOP\r\n");

        assertThat(events).containsExactly("end", "end");
    }

    @Test
    void literalsAreAnnouncedAndTheirBytesSkipped() {
        feed("a LOGIN {5}\r\n");
        feed("alice {8+}\r\nse{5}\r\nt\r\n");

        // the literal "se{5}\r\nt" contains what looks like an announcement: it is skipped as data
        assertThat(events).containsExactly("literal 5", "literal 8", "end");
    }

    @Test
    void anAnnouncementSplitAcrossReadsIsFound() {
        feed("a APPEND INBOX {3");
        feed("0}\r");
        feed("\n");

        assertThat(events).containsExactly("literal 30");
    }

    @Test
    void literal8AndNonSynchronizingForms() {
        feed("a APPEND INBOX ~{4}\r\nabcd\r\nb APPEND INBOX {3-}\r\nabc\r\n");

        assertThat(events).containsExactly("literal 4", "end", "literal 3", "end");
    }

    @Test
    void bracesThatAreNotAnAnnouncementAreIgnored() {
        feed("a SEARCH SUBJECT \"{5}\"\r\nb SEARCH {x}\r\nc SEARCH }\r\n");

        assertThat(events).containsExactly("end", "end", "end");
    }

    @Test
    void aHugeNumberIsReportedAsTheLargestSize() {
        feed("a LOGIN {99999999999999999999999}\r\n");

        assertThat(events).containsExactly("literal " + Long.MAX_VALUE);
    }

    @Test
    void scanningStopsWhenTheListenerRefuses() {
        refuseAbove = 100;

        boolean accepted = feed("a LOGIN {2000000000}\r\nxxxx");

        assertThat(accepted).isFalse();
        assertThat(events).containsExactly("literal 2000000000");
    }
}
