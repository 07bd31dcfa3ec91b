package dev.mailwright.smtp.testing;

import java.io.StringReader;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;

/** A {@code <handler>} subtree of smtpserver.xml, as James hands it to a handler's {@code init}. */
public final class HandlerConfig {
    private HandlerConfig() {
    }

    public static XMLConfiguration of(String innerXml) {
        XMLConfiguration configuration = new XMLConfiguration();
        try {
            new FileHandler(configuration).load(new StringReader("<handler>" + innerXml + "</handler>"));
        } catch (org.apache.commons.configuration2.ex.ConfigurationException e) {
            throw new IllegalArgumentException(innerXml, e);
        }
        return configuration;
    }
}
