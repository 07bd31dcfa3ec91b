package dev.mailwright.mailets.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;

import com.google.inject.ImplementedBy;

/**
 * The host name of this mail server, the MX target of its domains: the Mailwright server binds its configured name
 * ({@code --hostname}, {@code MAILWRIGHT_HOSTNAME}); in a stock James, the machine's name.
 */
@ImplementedBy(MailServerName.MachineName.class)
public interface MailServerName {
    String get();

    final class MachineName implements MailServerName {
        @Override
        public String get() {
            try {
                return InetAddress.getLocalHost().getCanonicalHostName();
            } catch (UnknownHostException e) {
                return "localhost";
            }
        }
    }
}
