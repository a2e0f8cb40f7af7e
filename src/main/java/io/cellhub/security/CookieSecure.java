package io.cellhub.security;

/**
 * When CellHub's cookies (the session and the login form's CSRF token) carry {@code Secure}, so that a
 * browser sends them back only over HTTPS: {@code cellhub.security.cookie-secure}.
 */
public enum CookieSecure {

    /**
     * When the request came over TLS: to CellHub's own HTTPS port, or through a proxy that says so in
     * {@code X-Forwarded-Proto} or {@code Forwarded}, which Quarkus reads once
     * {@code quarkus.http.proxy.proxy-address-forwarding} and {@code allow-x-forwarded} (or
     * {@code allow-forwarded}) are set.
     */
    AUTO,
    /** Always; for a proxy that terminates TLS without saying so. */
    ALWAYS,
    /** Never; for plain-HTTP trials behind a proxy that claims HTTPS. */
    NEVER;

    /** Whether a cookie set in answer to a request that came over HTTPS ({@code https}) or not is {@code Secure}. */
    public boolean applies(boolean https) {
        return switch (this) {
            case AUTO -> https;
            case ALWAYS -> true;
            case NEVER -> false;
        };
    }
}
