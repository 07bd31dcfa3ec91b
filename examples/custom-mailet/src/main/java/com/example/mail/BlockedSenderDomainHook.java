package com.example.mail;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;

/**
 * Refuses, at MAIL FROM, mail from sender domains the organization does not want to hear from. Refusing during the
 * SMTP dialogue (instead of dropping the mail later) tells the sending server at once, and creates no bounce.
 *
 * <pre>{@code
 * <handler class="com.example.mail.BlockedSenderDomainHook">
 *     <blockedDomains>spam.example, phish.example</blockedDomains>
 * </handler>
 * }</pre>
 * Reply: {@code 550 5.7.1 Mail from <domain> is refused by policy}.
 */
public class BlockedSenderDomainHook implements MailHook {
    private Set<String> blockedDomains = Set.of();

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        // joined: the server may or may not split list values at commas
        String value = String.join(",", configuration.getList(String.class, "blockedDomains", List.of()));
        blockedDomains = Arrays.stream(value.split("[,\\s]+"))
            .map(domain -> domain.strip().toLowerCase(Locale.ROOT))
            .filter(domain -> !domain.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
        if (blockedDomains.isEmpty()) {
            throw new ConfigurationException("BlockedSenderDomainHook needs <blockedDomains>");
        }
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        return sender.asOptional()
            .map(address -> address.getDomain().asString())
            .filter(blockedDomains::contains)
            .map(domain -> HookResult.builder()
                .hookReturnCode(HookReturnCode.deny())
                .smtpReturnCode("550")
                .smtpDescription("5.7.1 Mail from " + domain + " is refused by policy")
                .build())
            .orElse(HookResult.DECLINED);
    }
}
