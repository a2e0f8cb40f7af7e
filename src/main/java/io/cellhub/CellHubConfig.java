package io.cellhub;

import java.nio.file.Path;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings shared by every feature. */
@ConfigMapping(prefix = "cellhub")
public interface CellHubConfig {

    /** Where the embedded broker and the embedded PostgreSQL keep their data between restarts. */
    @WithDefault("data")
    Path dataDir();
}
