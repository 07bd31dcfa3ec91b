package dev.mailwright.smtp.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

/** Header changes the end-of-DATA hooks make to an accepted message. */
public final class HeaderEdit {
    private HeaderEdit() {
    }

    /**
     * Adds a field above all others (RFC 8601 section 4: Authentication-Results goes at the top, where a reader
     * finds the results of the last hop first). javax.mail only appends, so the header block is rewritten in order
     * below the new field; the body is untouched.
     */
    public static void prepend(MimeMessage message, String name, String value) throws MessagingException {
        List<String> lines = Collections.list(message.getAllHeaderLines());
        Set<String> names = new LinkedHashSet<>();
        for (String line : lines) {
            // javax.mail names a line without a colon after the whole line
            int colon = line.indexOf(':');
            names.add((colon < 0 ? line : line.substring(0, colon)).strip());
        }
        for (String existing : names) {
            message.removeHeader(existing);
        }
        message.addHeaderLine(name + ": " + value);
        for (String line : lines) {
            message.addHeaderLine(line);
        }
    }

    /**
     * Removes the fields {@code name} whose value matches {@code remove}, keeping the others in their order.
     * Returns how many were removed.
     */
    public static int removeMatching(MimeMessage message, String name, Predicate<String> remove) throws MessagingException {
        String[] values = message.getHeader(name);
        if (values == null) {
            return 0;
        }
        List<String> kept = new ArrayList<>();
        for (String value : values) {
            if (!remove.test(value)) {
                kept.add(value);
            }
        }
        int removed = values.length - kept.size();
        if (removed > 0) {
            message.removeHeader(name);
            for (String value : kept) {
                message.addHeader(name, value);
            }
        }
        return removed;
    }
}
