package dev.mailwright.mailets.sieve;

import java.time.Clock;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.sieverepository.api.SieveRepository;
import org.apache.james.sieverepository.api.exception.ScriptNotFoundException;
import org.apache.james.transport.mailets.jsieve.ActionDispatcher;
import org.apache.james.transport.mailets.jsieve.ResourceLocator;
import org.apache.james.transport.mailets.jsieve.SieveMailAdapter;
import org.apache.james.transport.mailets.jsieve.delivery.SieveExecutor;
import org.apache.james.transport.mailets.jsieve.delivery.SievePoster;
import org.apache.james.user.api.UsersRepository;
import org.apache.jsieve.ConfigurationManager;
import org.apache.jsieve.SieveFactory;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.optional.ActionVacation;
import org.apache.jsieve.parser.generated.ParseException;
import org.apache.jsieve.parser.generated.TokenMgrError;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.common.store.StateStore;

/**
 * Runs each local recipient's active Sieve script (RFC 5228; the scripts users upload over ManageSieve or WebAdmin):
 * James's jSieve integration for the tests and actions ({@code fileinto}, {@code keep}, {@code discard},
 * {@code redirect}, {@code reject}), with our own {@code vacation} ({@link VacationResponder}, RFC 5230: one reply
 * per sender per {@code :days}, never to lists, bulk mail, null senders or delivery reports), in place of James's,
 * which answers every message during {@code :days} after the script's activation.
 *
 * <p>A script that fails (syntax, runtime) is logged and the mail delivered to the INBOX (Sieve's implicit keep).
 * Mails the server generated for Sieve itself (vacation replies) are not filtered again. No parameters.
 */
public class UserSieve extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(UserSieve.class);

    private final UsersRepository usersRepository;
    private final ResourceLocator scripts;
    private final StateStore store;
    private final Clock clock;
    private ActionDispatcher dispatcher;
    private SievePoster poster;
    private SieveFactory sieve;

    @Inject
    public UserSieve(UsersRepository usersRepository, SieveRepository sieveRepository, StateStore store) {
        this(usersRepository, new ResourceLocator(sieveRepository, usersRepository), store, Clock.systemUTC());
    }

    public UserSieve(UsersRepository usersRepository, ResourceLocator scripts, StateStore store, Clock clock) {
        this.usersRepository = usersRepository;
        this.scripts = scripts;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        dispatcher = new ActionDispatcher();
        dispatcher.getMethodMap().put(ActionVacation.class, new VacationResponder(store, clock));
        poster = new SievePoster(usersRepository, MailboxConstants.INBOX);
        try {
            sieve = new ConfigurationManager().build();
        } catch (org.apache.jsieve.SieveConfigurationException e) {
            throw new MessagingException("Cannot load the Sieve configuration", e);
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        boolean generatedBySieve = mail.getAttribute(SieveExecutor.SIEVE_NOTIFICATION)
            .map(attribute -> Boolean.TRUE.equals(attribute.getValue().value()))
            .orElse(false);
        if (generatedBySieve) {
            return;
        }
        for (MailAddress recipient : mail.getRecipients()) {
            run(recipient, mail);
        }
    }

    private void run(MailAddress recipient, Mail mail) {
        ResourceLocator.UserSieveInformation script;
        try {
            script = scripts.get(recipient);
        } catch (ScriptNotFoundException e) {
            return;
        } catch (Exception e) {
            LOGGER.warn("Cannot read the Sieve script of {}: {}; delivering {} to the INBOX", recipient.asString(), e.getMessage(), mail.getName());
            return;
        }
        SieveMailAdapter adapter = new SieveMailAdapter(mail, getMailetContext(), dispatcher, poster,
            script.getScriptActivationDate(), script.getScriptInterpretationDate(), recipient);
        try {
            sieve.evaluate(adapter, sieve.parse(script.getScriptContent()));
        } catch (SieveException | ParseException | TokenMgrError | RuntimeException e) {
            LOGGER.warn("The Sieve script of {} failed on {}: {}; the mail goes to the INBOX", recipient.asString(), mail.getName(), e.getMessage());
        }
    }

    @Override
    public String getMailetInfo() {
        return "Users' Sieve scripts with RFC 5230 vacation";
    }
}
