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

    /**
     * The build property {@link EmbeddedParts#BUILD_PROPERTY}: whether the embedded broker and PostgreSQL are
     * in the build. Quarkus reads it at build time ({@code @IfBuildProperty}); it is mapped here so that a
     * build which sets it (the {@code native} profile) also passes the start's check that every
     * {@code cellhub.} key belongs to a mapping.
     */
    @WithDefault("true")
    boolean embeddedParts();
}
