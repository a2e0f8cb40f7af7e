package io.cellhub.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code cellhub.security.cookie-secure}: auto follows the request, always and never do not. */
class CookieSecureTest {

    @Test
    void autoMarksCookiesSecureOnlyForHttpsRequests() {
        assertThat(CookieSecure.AUTO.applies(true)).isTrue();
        assertThat(CookieSecure.AUTO.applies(false)).isFalse();
    }

    @Test
    void alwaysAndNeverIgnoreTheRequest() {
        assertThat(CookieSecure.ALWAYS.applies(false)).isTrue();
        assertThat(CookieSecure.NEVER.applies(true)).isFalse();
    }
}
