package io.cellhub.dashboard;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.MqttTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Every dashboard page renders as HTML with its key parts, and device payloads never become markup. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPartsResource.class)
class DashboardPagesTest {

    static final String XSS = "<img src=x onerror=alert(1)>";
    static final String XSS_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;";
    static final List<String> PAGES = List.of("/", "/?search=xsscell", "/topics", "/retained", "/snapshots", "/sessions",
            "/rules", "/topics/xsscell/temperature1");

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    MqttTestClient device;

    @BeforeEach
    void connect() {
        device = MqttTestClient.connect(brokerPort, "device-pages");
    }

    @AfterEach
    void disconnect() {
        device.close();
    }

    @Test
    void everyPageIsHtmlWithItsKeyElements() {
        device.publish("pagecell/temperature1", "21.5", 1, true);
        device.publish("pagecell/temperature2", "22.5", 1, true);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().when().get("/api/topics/pagecell/avgtemperature")
                .then().statusCode(200));

        html("/?search=pagecell").body(containsString("id=\"cells\"")).body(containsString("data-cell=\"pagecell\""))
                .body(containsString("id=\"fleet-summary\"")).body(containsString("id=\"cell-search\""))
                .body(containsString("data-rule=\"temperature\""))
                .body(containsString("Cylinder chains")).body(containsString("data-topic=\"systemcomponent1/cylinderOn\""))
                .body(containsString("data-counter=\"rate-in\""));
        html("/?search=no-such-cell-anywhere").body(containsString("No cell name contains"));
        html("/topics").body(containsString("id=\"tree\"")).body(containsString("id=\"filter\""))
                .body(containsString("id=\"tree-viewport\""));
        html("/topics?filter=pagecell/%2B").body(containsString("data-filter=\"pagecell/+\""));
        html("/topics/pagecell/temperature1").body(containsString("id=\"publish-form\""))
                .body(containsString("data-topic=\"pagecell/temperature1\"")).body(containsString("21.5"));
        html("/topics/nothing/here/yet").body(containsString("No message has been seen on this topic yet"));
        html("/retained").body(containsString("id=\"retained\"")).body(containsString("pagecell/temperature1"));
        html("/snapshots").body(containsString("id=\"snapshots\"")).body(containsString("id=\"take-form\""));
        html("/sessions").body(containsString("id=\"sessions\"")).body(containsString("device-pages"));
        html("/rules").body(containsString("id=\"rules\"")).body(containsString("data-rule=\"temperature\""))
                .body(containsString("data-rule=\"cylinders\""));
    }

    @Test
    void pagesLoadTheirScriptsAndStylesFromCellHubItself() {
        for (String asset : List.of("/assets/cellhub.css", "/assets/common.js", "/assets/cells.js", "/assets/topics.js",
                "/assets/topic.js", "/assets/retained.js", "/assets/snapshots.js", "/assets/rules.js", "/assets/sessions.js",
                "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", "/webjars/uplot/1.6.30/dist/uPlot.min.css")) {
            given().when().get(asset).then().statusCode(200);
        }
        for (String page : PAGES) {
            String body = html(page).extract().asString();
            assertThat(body).as(page).doesNotContain("http://", "https://");
        }
    }

    @Test
    void anInvalidFilterOnTheTopicPageIsAProblemResponse() {
        given().queryParam("filter", "a/#/b").when().get("/topics").then().statusCode(400)
                .contentType("application/problem+json");
    }

    /** The payload reaches every page that shows payloads, always escaped; the check fails if it was never shown. */
    @Test
    void untrustedPayloadNeverAppearsUnescaped() {
        device.publish("xsscell/temperature1", XSS, 1, true);
        device.publish("xsscell/status", XSS, 1, true);
        device.publish("xsscell/joints", XSS, 0, false);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> html("/retained")
                .body(containsString(XSS_ESCAPED)));
        given().contentType(ContentType.JSON).body("{\"label\": \"" + XSS.replace("\"", "\\\"") + "\"}")
                .when().post("/api/snapshots").then().statusCode(201);

        for (String page : PAGES) {
            String body = html(page).extract().asString();
            assertThat(body).as(page).doesNotContain(XSS);
        }
        assertThat(html("/?search=xsscell").extract().asString()).contains(XSS_ESCAPED);
        assertThat(html("/topics/xsscell/temperature1").extract().asString()).contains(XSS_ESCAPED);
        assertThat(html("/snapshots").extract().asString()).contains(XSS_ESCAPED);
    }

    private static io.restassured.response.ValidatableResponse html(String path) {
        return given().urlEncodingEnabled(false).when().get(path).then().statusCode(200).contentType(ContentType.HTML);
    }
}
