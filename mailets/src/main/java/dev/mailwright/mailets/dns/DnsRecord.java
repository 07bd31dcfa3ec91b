package dev.mailwright.mailets.dns;

import java.util.ArrayList;
import java.util.List;

/**
 * A record an administrator publishes for a mail domain: what it is for, its owner name, type and value (zone file
 * syntax, values of TXT records unquoted), and a note for people.
 */
public record DnsRecord(String purpose, String name, String type, String value, String note) {

    /** The record as a zone file line: {@code NAME. TYPE VALUE}, TXT values quoted in strings of 255 characters. */
    public String zoneLine() {
        return String.format("%-40s %-6s %s", name + ".", type, type.equals("TXT") ? quoted(value) : value);
    }

    static String quoted(String text) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) {
            strings.add("\"" + text.substring(i, Math.min(text.length(), i + 255)).replace("\"", "\\\"") + "\"");
        }
        return String.join(" ", strings);
    }
}
