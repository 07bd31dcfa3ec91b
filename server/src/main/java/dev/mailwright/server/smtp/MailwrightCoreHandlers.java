package dev.mailwright.server.smtp;

import java.util.List;
import java.util.stream.Collectors;

import org.apache.james.protocols.lib.handler.HandlersPackage;
import org.apache.james.protocols.smtp.core.esmtp.MailSizeEsmtpExtension;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;

/**
 * James's core SMTP handlers ({@code CoreCmdHandlerLoader}) with {@link SizeLimit} in place of
 * {@code MailSizeEsmtpExtension}, so that a message streamed past the size limit is answered with an enhanced status
 * code. Named by {@code <handlerchain coreHandlersPackage="...">} in {@code smtpserver.xml}.
 */
public class MailwrightCoreHandlers implements HandlersPackage {
    @Override
    public List<String> getHandlers() {
        return new CoreCmdHandlerLoader().getHandlers().stream()
            .map(handler -> handler.equals(MailSizeEsmtpExtension.class.getName()) ? SizeLimit.class.getName() : handler)
            .collect(Collectors.toList());
    }
}
