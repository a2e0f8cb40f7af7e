package io.cellhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (the zonky binaries CellHub embeds by default) started by the test as a
 * database of its own, on a free port, for CellHub processes configured with an external database.
 */
public final class PostgresServer implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    public PostgresServer() {
        try {
            postgres = EmbeddedPostgres.builder().setPort(FreePort.find())
                    .setDataDirectory(ScratchSpace.directory("cellhub-postgres")).setCleanDataDirectory(true)
                    .setServerConfig("max_connections", "200").start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
    }

    /** The environment of a CellHub on this database. */
    public Map<String, String> env() {
        return Map.of("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl(), "QUARKUS_DATASOURCE_USERNAME", "postgres",
                "QUARKUS_DATASOURCE_PASSWORD", "postgres");
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
