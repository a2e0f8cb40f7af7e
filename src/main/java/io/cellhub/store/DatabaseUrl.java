package io.cellhub.store;

/** A JDBC URL fit for logs and the status API. */
public final class DatabaseUrl {

    private DatabaseUrl() {
    }

    /** The URL with any {@code password=} parameter masked. */
    public static String redacted(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
