package io.cellhub.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cellhub.support.ScratchSpace;

/**
 * The embedded PostgreSQL starts in the background during Quarkus's static init, and the runtime
 * configuration takes that server over. (Outside Quarkus here: these are the two calls
 * {@link EmbeddedDatabaseConfigSource} makes.)
 */
class EmbeddedDatabaseTest {

    @AfterEach
    void stopServer() {
        EmbeddedDatabase.stop();
    }

    @Test
    void theRuntimeStartTakesOverTheServerStartedInTheBackground() throws Exception {
        Path directory = ScratchSpace.directory("cellhub-db").resolve("postgres");
        EmbeddedDatabase.startInBackground(directory, 0);
        // The server comes up on its own, before anything asks for it.
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.isRegularFile(directory.resolve("cluster/postmaster.pid")));

        EmbeddedDatabase database = EmbeddedDatabase.start(directory, 0);

        assertThat(EmbeddedDatabase.start(directory, 0)).isSameAs(database);
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl());
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT current_database()")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).isEqualTo(EmbeddedDatabase.DATABASE);
        }
    }

    @Test
    void aServerStartedInTheBackgroundIsStoppedWhenTheRuntimeConfigurationWantsAnother() throws Exception {
        Path early = ScratchSpace.directory("cellhub-db").resolve("postgres");
        Path wanted = ScratchSpace.directory("cellhub-db").resolve("postgres");
        EmbeddedDatabase.startInBackground(early, 0);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.isRegularFile(early.resolve("cluster/postmaster.pid")));

        EmbeddedDatabase database = EmbeddedDatabase.start(wanted, 0);

        assertThat(early.resolve("cluster/postmaster.pid")).as("the early server's pid file").doesNotExist();
        assertThat(wanted.resolve("cluster/postmaster.pid")).exists();
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl())) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }

    @Test
    void aServerStartedInTheBackgroundIsStoppedWhenAnExternalDatabaseIsConfigured() {
        Path early = ScratchSpace.directory("cellhub-db").resolve("postgres");
        EmbeddedDatabase.startInBackground(early, 0);

        EmbeddedDatabase.discardBackgroundStart("quarkus.datasource.jdbc.url is set");

        assertThat(early.resolve("cluster/postmaster.pid")).as("the early server's pid file").doesNotExist();
    }

    @Test
    void aBackgroundStartThatFailedFailsTheRuntimeStartWithItsOwnAdvice() throws Exception {
        Path notADirectory = Files.writeString(ScratchSpace.file("cellhub-db", ".txt"), "a file, not a directory");
        EmbeddedDatabase.startInBackground(notADirectory.resolve("postgres"), 0);

        assertThatThrownBy(() -> EmbeddedDatabase.start(notADirectory.resolve("postgres"), 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("The embedded PostgreSQL could not start")
                .hasMessageContaining("QUARKUS_DATASOURCE_JDBC_URL");
    }
}
