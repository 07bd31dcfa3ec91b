package dev.mailwright.server.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.commons.configuration2.PropertiesConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseSettingsTest {
    @TempDir
    Path data;

    @Test
    void defaultsToEmbeddedDerbyInTheDataFolder() throws Exception {
        DatabaseSettings settings = DatabaseSettings.from(new PropertiesConfiguration(), data);

        assertThat(settings.driverClassName()).isEqualTo("org.apache.derby.jdbc.EmbeddedDriver");
        assertThat(settings.url()).isEqualTo("jdbc:derby:" + data.resolve("derby") + ";create=true");
        assertThat(settings.derbyShutdownUrl()).contains("jdbc:derby:" + data.resolve("derby") + ";shutdown=true");
        assertThat(settings.derbyLog()).as("Derby's own log, not in the current folder").contains(data.resolve("derby.log"));
    }

    @Test
    void readsPostgresWithThePasswordFromAFile() throws Exception {
        Path secret = Files.writeString(data.resolve("secret"), "s3cret\n");
        PropertiesConfiguration properties = new PropertiesConfiguration();
        properties.addProperty("database.driverClassName", "org.postgresql.Driver");
        properties.addProperty("database.url", "jdbc:postgresql://127.0.0.1:5432/mailwright");
        properties.addProperty("database.username", "mailwright");
        properties.addProperty("database.passwordFile", secret.toString());
        properties.addProperty("datasource.MaxTotal", "20");
        properties.addProperty("openjpa.Log", "slf4j");

        DatabaseSettings settings = DatabaseSettings.from(properties, data);

        assertThat(settings.password()).contains("s3cret");
        assertThat(settings.username()).contains("mailwright");
        assertThat(settings.connectionProperties()).containsExactly("MaxTotal=20");
        assertThat(settings.openJpaProperties()).containsEntry("openjpa.Log", "slf4j");
        assertThat(settings.derbyShutdownUrl()).isEmpty();
        assertThat(settings.derbyLog()).isEmpty();
    }

    @Test
    void aUrlWithoutDriverIsAnError() {
        PropertiesConfiguration properties = new PropertiesConfiguration();
        properties.addProperty("database.url", "jdbc:postgresql://127.0.0.1/mailwright");

        assertThatThrownBy(() -> DatabaseSettings.from(properties, data)).hasMessageContaining("database.driverClassName");
    }

    @Test
    void describeHidesPasswords() throws Exception {
        PropertiesConfiguration properties = new PropertiesConfiguration();
        properties.addProperty("database.driverClassName", "org.postgresql.Driver");
        properties.addProperty("database.url", "jdbc:postgresql://db/mailwright?user=a&password=hunter2");

        assertThat(DatabaseSettings.from(properties, data).describe()).doesNotContain("hunter2");
    }
}
