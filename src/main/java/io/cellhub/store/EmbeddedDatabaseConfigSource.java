package io.cellhub.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.cellhub.EmbeddedParts;
import io.quarkus.runtime.ExecutionMode;
import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.annotations.StaticInitSafe;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Points the default datasource at the embedded PostgreSQL, starting it first, unless
 * {@code quarkus.datasource.jdbc.url} is set: then that database is used and nothing embedded runs.
 * Nor does it run in a build without the embedded parts ({@link EmbeddedParts}), such as the native one.
 * <p>
 * It works at configuration time because the datasource and Flyway start before any CDI event
 * an application bean could observe. The static-init configuration, which Quarkus builds first on
 * the JVM, sets the server starting in the background, so that PostgreSQL starts while Quarkus
 * builds its bean container and Hibernate's metadata; the runtime configuration waits for it and
 * supplies the URL. Nothing starts while the application is being built, natively or not.
 */
@StaticInitSafe
public class EmbeddedDatabaseConfigSource implements ConfigSourceFactory {

    /** Above application.properties, below environment variables and system properties. */
    private static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ExecutionMode mode = ExecutionMode.current();
        if ((mode != ExecutionMode.STATIC_INIT && mode != ExecutionMode.RUNTIME_INIT)
                || ImageMode.current() == ImageMode.NATIVE_BUILD
                || "false".equals(context.getValue(EmbeddedParts.BUILD_PROPERTY).getValue())) {
            return List.of();
        }
        if (context.getValue("quarkus.datasource.jdbc.url").getValue() != null) {
            if (mode == ExecutionMode.RUNTIME_INIT) {
                EmbeddedDatabase.discardBackgroundStart("quarkus.datasource.jdbc.url is set");
            }
            return List.of();
        }
        Path dataDir = Path.of(valueOr(context, "cellhub.data-dir", "data"));
        int port = Integer.parseInt(valueOr(context, "cellhub.database.port", "0"));
        if (mode == ExecutionMode.STATIC_INIT) {
            EmbeddedDatabase.startInBackground(dataDir.resolve("postgres"), port);
            return List.of();
        }
        EmbeddedDatabase database = EmbeddedDatabase.start(dataDir.resolve("postgres"), port);
        return List.of(new PropertiesConfigSource(Map.of(
                "quarkus.datasource.jdbc.url", database.jdbcUrl(),
                "quarkus.datasource.username", EmbeddedDatabase.USER,
                "quarkus.datasource.password", ""),
                "CellHub embedded PostgreSQL", ORDINAL));
    }

    private static String valueOr(ConfigSourceContext context, String name, String fallback) {
        ConfigValue value = context.getValue(name);
        return value.getValue() == null ? fallback : value.getValue();
    }
}
