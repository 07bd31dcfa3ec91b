package dev.mailwright.server.startup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The enabled SMTP, IMAP, LMTP, POP3 and ManageSieve servers declared in the configuration folder. */
public final class ProtocolServers {

    /** One {@code <smtpserver>}, {@code <imapserver>}... element. */
    public record Server(String file, String name, List<String> binds, Optional<Element> tls) {
    }

    private static final String[][] FILES = {
        {"smtpserver.xml", "smtpserver"},
        {"imapserver.xml", "imapserver"},
        {"lmtpserver.xml", "lmtpserver"},
        {"pop3server.xml", "pop3server"},
        {"managesieveserver.xml", "managesieveserver"},
    };

    private ProtocolServers() {
    }

    public static List<Server> enabled(ConfigFiles files) throws StartupProblem {
        List<Server> servers = new ArrayList<>();
        for (String[] file : FILES) {
            Optional<Document> document = files.xml(file[0]);
            if (document.isEmpty()) {
                continue;
            }
            for (Element server : ConfigFiles.children(document.get().getDocumentElement(), file[1])) {
                if ("false".equalsIgnoreCase(server.getAttribute("enabled").strip())) {
                    continue;
                }
                String name = ConfigFiles.childText(server, "jmxName").orElse(file[1]);
                List<String> binds = new ArrayList<>();
                ConfigFiles.childText(server, "bind").ifPresent(bind -> {
                    for (String one : bind.split(",")) {
                        if (!one.isBlank()) {
                            binds.add(files.expand(one));
                        }
                    }
                });
                servers.add(new Server(file[0], name, binds,
                    ConfigFiles.children(server, "tls").stream().findFirst()));
            }
        }
        return servers;
    }
}
