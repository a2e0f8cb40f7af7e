package io.cellhub.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.cellhub.support.EmbeddedPartsResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Behind a proxy Quarkus trusts ({@code quarkus.http.proxy.*}), the session and CSRF cookies carry
 * {@code Secure} exactly when the proxy says the browser came over HTTPS ({@code cellhub.security.cookie-secure=auto}).
 */
@QuarkusTest
@TestProfile(ProxiedProfile.class)
@QuarkusTestResource(EmbeddedPartsResource.class)
class SecureCookieTest {

    @Test
    void cookiesAreSecureWhenTheProxySaysTheRequestCameOverHttps() {
        Response form = given().header("X-Forwarded-Proto", "https").when().get("/login");
        Response login = logIn(form, "X-Forwarded-Proto", "https");
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(setCookie(form, LoginPage.CSRF_COOKIE)).contains("Secure");
        assertThat(setCookie(login, SessionCookies.NAME)).contains("Secure").contains("HttpOnly").contains("SameSite=Strict");
        Response logout = given().redirects().follow(false).header("X-Forwarded-Proto", "https")
                .cookie(SessionCookies.NAME, login.cookie(SessionCookies.NAME)).header("Sec-Fetch-Site", "same-origin")
                .when().post("/logout");
        assertThat(setCookie(logout, SessionCookies.NAME)).contains("Secure");
    }

    @Test
    void cookiesAreNotSecureWhenTheProxySaysTheRequestCameOverPlainHttp() {
        Response form = given().header("X-Forwarded-Proto", "http").when().get("/login");
        Response login = logIn(form, "X-Forwarded-Proto", "http");
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(setCookie(form, LoginPage.CSRF_COOKIE)).doesNotContainIgnoringCase("secure");
        assertThat(setCookie(login, SessionCookies.NAME)).contains("HttpOnly").doesNotContainIgnoringCase("secure");
    }

    /** Posts the login form {@code form} answered with, as the operator, with one extra header. */
    static Response logIn(Response form, String header, String value) {
        return given().redirects().follow(false).header(header, value).cookies(form.cookies())
                .formParam("csrf-token", SecurityTest.csrfToken(form.asString()))
                .formParam("username", SecuredProfile.OPERATOR).formParam("password", SecuredProfile.OPERATOR_PASSWORD)
                .formParam("next", "/").when().post("/login");
    }

    /** The one {@code Set-Cookie} header of a response that sets {@code name}. */
    static String setCookie(Response response, String name) {
        return response.headers().getValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).reduce((a, b) -> {
            throw new AssertionError("two Set-Cookie headers for " + name + ": " + a + " and " + b);
        }).orElseThrow(() -> new AssertionError("no Set-Cookie header for " + name + " in " + response.headers()));
    }
}
