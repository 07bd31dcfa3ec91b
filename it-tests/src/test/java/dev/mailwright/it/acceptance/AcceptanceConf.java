package dev.mailwright.it.acceptance;

import dev.mailwright.it.support.TestServer;

/** Edits of the shipped acceptance policy in {@code conf/smtpserver.xml} that the tests need. */
final class AcceptanceConf {
    private AcceptanceConf() {
    }

    /** Uncomments the shipped greylisting handler, with a short {@code delay}. */
    static void enableGreylisting(TestServer server, String delay) {
        server.edit("smtpserver.xml", "(?s)<!-- Greylisting, off by default:.*?Uncomment to enable:\\s*"
            + "(<handler class=\"dev.mailwright.smtp.greylist.GreylistHook\">.*?</handler>)\\s*-->", "$1");
        server.edit("smtpserver.xml", "<delay>[^<]*</delay>", "<delay>" + delay + "</delay>");
    }

    /** Sets every occurrence of {@code <element>} (a limit or a setting of the shipped handlers). */
    static void set(TestServer server, String element, String value) {
        server.edit("smtpserver.xml", "<" + element + ">[^<]*</" + element + ">", "<" + element + ">" + value + "</" + element + ">");
    }

    /** Every policy in report mode. */
    static void reportMode(TestServer server) {
        set(server, "mode", "report");
    }
}
