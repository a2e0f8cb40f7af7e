package io.cellhub.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The embedded PostgreSQL, used unless {@code quarkus.datasource.jdbc.url} is set. Read at
 * configuration time by {@link EmbeddedDatabaseConfigSource}; mapped here so the key is documented
 * and validated.
 */
@ConfigMapping(prefix = "cellhub.database")
public interface DatabaseConfig {

    /** Port of the embedded PostgreSQL on 127.0.0.1; 0 picks a free one (logged at start). */
    @WithDefault("0")
    int port();
}
