package dev.mailwright.smtp.mime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses, at the end of DATA, a message whose MIME structure is beyond the limits of {@link MimeStructure}:
 * {@code 554 5.6.0 Message structure too complex: MIME nesting deeper than 100 levels}. No mail the server cannot
 * process safely gets a {@code 250}.
 *
 * <p>Parameters: {@code maxNestingDepth} (default 100, Postfix's {@code mime_nesting_limit}), {@code maxParts}
 * (default 1000).
 */
public class MimeStructureHook implements MessageHook {
    static final int DEFAULT_MAX_DEPTH = 100;
    static final int DEFAULT_MAX_PARTS = 1000;
    private static final Logger LOGGER = LoggerFactory.getLogger(MimeStructureHook.class);

    private MimeStructure structure = new MimeStructure(DEFAULT_MAX_DEPTH, DEFAULT_MAX_PARTS);

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        int depth = configuration.getInt("maxNestingDepth", DEFAULT_MAX_DEPTH);
        int parts = configuration.getInt("maxParts", DEFAULT_MAX_PARTS);
        if (depth < 1 || parts < 1) {
            throw new ConfigurationException("MimeStructureHook: maxNestingDepth and maxParts must be at least 1");
        }
        structure = new MimeStructure(depth, parts);
    }

    @Override
    public HookResult onMessage(SMTPSession session, MailEnvelope envelope) {
        Optional<String> violation;
        try (InputStream message = envelope.getMessageInputStream()) {
            violation = structure.violation(message);
        } catch (IOException e) {
            LOGGER.warn("Cannot read a message to check its MIME structure: {}", e.getMessage());
            return HookResult.builder().hookReturnCode(HookReturnCode.denySoft())
                .smtpReturnCode("451").smtpDescription("4.3.0 Temporary failure reading the message, try again later").build();
        }
        return violation
            .map(reason -> HookResult.builder().hookReturnCode(HookReturnCode.deny())
                .smtpReturnCode("554").smtpDescription("5.6.0 Message structure too complex: " + reason).build())
            .orElse(HookResult.DECLINED);
    }
}
