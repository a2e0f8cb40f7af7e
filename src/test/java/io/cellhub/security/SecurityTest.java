package io.cellhub.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.cellhub.support.EmbeddedPartsResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Viewers read, operators write, strangers get a login: HTTP Basic for scripts, a form and a cookie for browsers. */
@QuarkusTest
@TestProfile(SecuredProfile.class)
@QuarkusTestResource(EmbeddedPartsResource.class)
class SecurityTest {

    static final String PUBLISH = "{\"topic\": \"secured/t\", \"payload\": \"1\", \"qos\": 1}";

    @Test
    void publishNeedsAnOperator() {
        given().contentType(ContentType.JSON).body(PUBLISH).when().post("/api/publish")
                .then().statusCode(401).header("WWW-Authenticate", "Basic realm=\"CellHub\"");
        given().auth().preemptive().basic(SecuredProfile.VIEWER, SecuredProfile.VIEWER_PASSWORD)
                .contentType(ContentType.JSON).body(PUBLISH).when().post("/api/publish").then().statusCode(403);
        given().auth().preemptive().basic(SecuredProfile.OPERATOR, SecuredProfile.OPERATOR_PASSWORD)
                .contentType(ContentType.JSON).body(PUBLISH).when().post("/api/publish").then().statusCode(202);
    }

    @Test
    void viewerReadsTheApiAndTheStreamButCannotClearRetained() {
        given().auth().preemptive().basic(SecuredProfile.VIEWER, SecuredProfile.VIEWER_PASSWORD)
                .when().get("/api/topics").then().statusCode(200);
        given().auth().preemptive().basic(SecuredProfile.VIEWER, SecuredProfile.VIEWER_PASSWORD)
                .when().delete("/api/retained/secured/t").then().statusCode(403);
        given().auth().preemptive().basic(SecuredProfile.VIEWER, "wrong")
                .when().get("/api/topics").then().statusCode(401);
        given().when().get("/api/stream/clients").then().statusCode(401);
    }

    @Test
    void healthAndMetricsStayOpen() {
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/health/ready").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200);
    }

    @Test
    void pagesRedirectStrangersToTheLoginForm() {
        given().urlEncodingEnabled(false).redirects().follow(false).when().get("/topics?filter=a/%2B")
                .then().statusCode(302).header("Location", "/login?next=%2Ftopics%3Ffilter%3Da%2F%252B");
        given().when().get("/login").then().statusCode(200).contentType(ContentType.HTML)
                .body(containsString("name=\"csrf-token\""));
    }

    @Test
    void browserLogsInWithTheFormAndWritesWithItsCookie() {
        Response form = given().when().get("/login?next=/topics");
        String token = csrfToken(form.asString());
        Response login = given().redirects().follow(false).cookies(form.cookies())
                .formParam("csrf-token", token).formParam("username", SecuredProfile.OPERATOR)
                .formParam("password", SecuredProfile.OPERATOR_PASSWORD).formParam("next", "/topics")
                .when().post("/login");
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.header("Location")).endsWith("/topics");
        String session = login.cookie(SessionCookies.NAME);
        assertThat(login.headers().getValues("Set-Cookie")).filteredOn(c -> c.startsWith(SessionCookies.NAME + "="))
                .singleElement().asString().contains("HttpOnly").contains("SameSite=Strict");

        given().cookie(SessionCookies.NAME, session).when().get("/topics").then().statusCode(200)
                .body(containsString(SecuredProfile.OPERATOR)).body(containsString("action=\"/logout\""));
        given().cookie(SessionCookies.NAME, session).header("Sec-Fetch-Site", "same-origin")
                .contentType(ContentType.JSON).body(PUBLISH).when().post("/api/publish").then().statusCode(202);
    }

    @Test
    void sessionCookieNeverAuthenticatesACrossSiteWrite() {
        String session = new SessionCookiesAccess().issue(SecuredProfile.OPERATOR);
        given().cookie(SessionCookies.NAME, session).header("Sec-Fetch-Site", "cross-site")
                .contentType(ContentType.JSON).body(PUBLISH).when().post("/api/publish").then().statusCode(401);
        given().cookie(SessionCookies.NAME, session).header("Origin", "http://evil.example")
                .contentType(ContentType.JSON).body(PUBLISH).when().post("/api/publish").then().statusCode(401);
        given().cookie(SessionCookies.NAME, session + "x").when().get("/api/topics").then().statusCode(401);
    }

    @Test
    void loginWithoutTheCsrfTokenOrWithAWrongPasswordFails() {
        given().redirects().follow(false).formParam("username", SecuredProfile.OPERATOR)
                .formParam("password", SecuredProfile.OPERATOR_PASSWORD).when().post("/login").then().statusCode(400);
        Response form = given().when().get("/login");
        given().redirects().follow(false).cookies(form.cookies()).formParam("csrf-token", csrfToken(form.asString()))
                .formParam("username", SecuredProfile.OPERATOR).formParam("password", "wrong")
                .when().post("/login").then().statusCode(401).body(containsString("Wrong username or password"));
    }

    @Test
    void withoutQuarkusProxySettingsAForwardedProtoHeaderLeavesCookiesWithoutSecure() {
        Response form = given().header("X-Forwarded-Proto", "https").when().get("/login");
        Response login = SecureCookieTest.logIn(form, "X-Forwarded-Proto", "https");
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(SecureCookieTest.setCookie(form, LoginPage.CSRF_COOKIE)).doesNotContainIgnoringCase("secure");
        assertThat(SecureCookieTest.setCookie(login, SessionCookies.NAME)).contains("HttpOnly").doesNotContainIgnoringCase("secure");
    }

    @Test
    void loginNeverRedirectsToAnotherSite() {
        assertThat(LoginPage.safeNext("//evil.example/x")).isEqualTo("/");
        assertThat(LoginPage.safeNext("https://evil.example")).isEqualTo("/");
        assertThat(LoginPage.safeNext("/topics?filter=a")).isEqualTo("/topics?filter=a");
    }

    @Test
    void pagesCarryAContentSecurityPolicyAndEveryResponseRefusesFraming() {
        given().auth().preemptive().basic(SecuredProfile.VIEWER, SecuredProfile.VIEWER_PASSWORD).when().get("/")
                .then().statusCode(200)
                .header("Content-Security-Policy", startsWith("default-src 'self'; script-src 'self';"))
                .header("X-Frame-Options", equalTo("DENY"))
                .header("X-Content-Type-Options", equalTo("nosniff"));
        given().when().get("/q/health/live").then().header("X-Frame-Options", equalTo("DENY"));
    }

    static String csrfToken(String html) {
        Matcher matcher = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(html);
        assertThat(matcher.find()).as("CSRF token in the login form").isTrue();
        return matcher.group(1);
    }

    /** The app's own cookie signer, reached through CDI. */
    static final class SessionCookiesAccess {
        String issue(String user) {
            return io.quarkus.arc.Arc.container().instance(SessionCookies.class).get().issue(user);
        }
    }
}
