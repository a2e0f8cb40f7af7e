package io.cellhub.security;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Who may use the dashboard and the API: {@code cellhub.security.users.<name>.*}. Without any
 * operator configured, CellHub generates one at first start (see {@link UserDirectory}).
 */
@ConfigMapping(prefix = "cellhub.security")
public interface SecurityConfig {

    /** Off only for tests and trusted networks: then anyone who reaches the port may read and write. */
    @WithDefault("true")
    boolean enabled();

    Map<String, User> users();

    /** How long a browser login lasts. */
    @WithDefault("8h")
    Duration sessionTimeout();

    /**
     * When the session and CSRF cookies carry {@code Secure}: {@code auto} when the request came over
     * TLS (directly, or through a proxy Quarkus trusts per {@code quarkus.http.proxy.*}), {@code always},
     * or {@code never}.
     */
    @WithDefault("auto")
    CookieSecure cookieSecure();

    interface User {

        /** {@code viewer} or {@code operator}. */
        @WithDefault("viewer")
        Role role();

        /** A PBKDF2 hash as printed by {@code PasswordHash}; preferred over {@link #password()}. */
        Optional<String> passwordHash();

        /** The password in clear text, for tests and quick trials only. */
        Optional<String> password();
    }
}
