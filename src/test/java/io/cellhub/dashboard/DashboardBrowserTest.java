package io.cellhub.dashboard;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.cellhub.support.Browser;
import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.MqttTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The dashboard in a real headless Chromium, fed by a device on the embedded broker, at demo scale
 * ({@code DashboardFleetIT} runs the same {@link DashboardScenarios} at fleet scale).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPartsResource.class)
class DashboardBrowserTest {

    static Browser browser;

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    @TestHTTPResource("/")
    URI base;

    MqttTestClient device;
    DashboardScenarios scenarios;

    @BeforeAll
    static void openBrowser() {
        browser = Browser.open();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void connect() {
        device = MqttTestClient.connect(brokerPort, "device-browser");
        scenarios = new DashboardScenarios(browser, base, device, "dashboard");
    }

    @AfterEach
    void disconnect() {
        device.close();
        assertThat(browser.severeConsoleMessages()).as("JavaScript errors").isEmpty();
    }

    @Test
    void topicTreeShowsAValuePublishedAfterThePageLoaded() {
        scenarios.topicTreeShowsAValuePublishedAfterThePageLoaded();
    }

    @Test
    void untrustedPayloadShowsAsTextInTheTreeAndOnTheCellCard() {
        scenarios.untrustedPayloadShowsAsTextInTheTreeAndOnTheCellCard();
    }

    @Test
    void cellsPageUpdatesTheCardAndTheAverageLive() {
        scenarios.cellsPageUpdatesTheCardAndTheAverageLive();
    }

    @Test
    void publishFormPublishesToTheBroker() {
        scenarios.publishFormPublishesToTheBroker();
    }

    @Test
    void pagesLeftBehindCloseTheirStreams() {
        scenarios.pagesLeftBehindCloseTheirStreams(DashboardBrowserTest::streamsOn);
    }

    static int streamsOn(String filter) {
        return (int) given().get("/api/stream/clients").jsonPath().getList("filter").stream().filter(filter::equals).count();
    }
}
