package io.cellhub;

/**
 * The build property that keeps or leaves out CellHub's embedded broker (Apache ActiveMQ Artemis) and
 * embedded PostgreSQL. They are JVM-only (the PostgreSQL binaries are unpacked from jars at run time,
 * and neither has been built into a native image), so the native build sets it to
 * {@code false} (the Quarkus config profile {@code native}): their beans are not built, nothing
 * starts them, and CellHub needs an external broker and database.
 */
public final class EmbeddedParts {

    /** {@code true} (the default) or {@code false}; read at build time and, for the database, at start. */
    public static final String BUILD_PROPERTY = "cellhub.embedded-parts";

    private EmbeddedParts() {
    }
}
