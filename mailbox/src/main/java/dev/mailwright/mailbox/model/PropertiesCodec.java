package dev.mailwright.mailbox.model;

import java.util.ArrayList;
import java.util.List;

import org.apache.james.mailbox.store.mail.model.Property;

/**
 * The MIME properties of a message (content type parameters, disposition, language...) as one text column:
 * one line per property, {@code namespace TAB local name TAB value}, with backslash, tab and line breaks escaped.
 * Values are cut at {@value #MAX_VALUE} characters and the whole at {@value #MAX_TOTAL}, so that the column fits
 * Derby's VARCHAR.
 */
public final class PropertiesCodec {
    static final int MAX_VALUE = 1024;
    static final int MAX_TOTAL = 30000;

    private PropertiesCodec() {
    }

    public static String encode(List<Property> properties) {
        if (properties.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (Property property : properties) {
            String value = property.getValue();
            if (value != null && value.length() > MAX_VALUE) {
                value = value.substring(0, MAX_VALUE);
            }
            StringBuilder line = new StringBuilder();
            escape(line, property.getNamespace());
            line.append('\t');
            escape(line, property.getLocalName());
            line.append('\t');
            escape(line, value == null ? "" : value);
            line.append('\n');
            if (text.length() + line.length() > MAX_TOTAL) {
                break;
            }
            text.append(line);
        }
        return text.toString();
    }

    public static List<Property> decode(String text) {
        List<Property> properties = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return properties;
        }
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\t", -1);
            if (parts.length == 3) {
                properties.add(new Property(unescape(parts[0]), unescape(parts[1]), unescape(parts[2])));
            }
        }
        return properties;
    }

    private static void escape(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
    }

    private static String unescape(String value) {
        if (value.indexOf('\\') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                out.append(switch (next) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> next;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
