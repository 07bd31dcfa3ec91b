package dev.mailwright.smtp.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

/** Header changes the end-of-DATA hooks make to an accepted message. */
public final class HeaderEdit {
    private HeaderEdit() {
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
