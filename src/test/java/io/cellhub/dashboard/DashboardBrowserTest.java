package io.cellhub.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import io.cellhub.support.Browser;
import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.MqttTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The dashboard in a real headless Chromium, fed by a device on the embedded broker. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPartsResource.class)
class DashboardBrowserTest {

    static final String XSS = "<img src=x onerror=alert(1)>";

    static Browser browser;

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    @TestHTTPResource("/")
    URI base;

    MqttTestClient device;

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
    }

    @AfterEach
    void disconnect() {
        device.close();
        assertThat(browser.severeConsoleMessages()).as("JavaScript errors").isEmpty();
    }

    @Test
    void topicTreeShowsAValuePublishedAfterThePageLoaded() {
        device.publish("browsercell/temperature1", "20.5", 1, true);
        browser.get(base.resolve("/topics").toString());
        browser.waitUntilLive();
        browser.waitFor(d -> valueOf("browsercell/temperature1").equals("20.5"));
        browser.script("window.loadedOnce = 'still here';");

        device.publish("browsercell/late", "published after load", 0, false);
        device.publish("browsercell/temperature1", "20.75", 1, true);

        browser.waitFor(d -> valueOf("browsercell/late").equals("published after load"));
        browser.waitFor(d -> valueOf("browsercell/temperature1").equals("20.75"));
        assertThat(browser.script("return window.loadedOnce")).as("the page was not reloaded").isEqualTo("still here");
        WebElement parent = browser.find("li[data-topic='browsercell'] > .node-row .children-count");
        assertThat(parent.getText()).isEqualTo("(2)");
        browser.screenshot(Path.of("target", "dashboard-topics.png"));
    }

    @Test
    void untrustedPayloadShowsAsTextInTheTreeAndOnTheCellCard() {
        browser.get(base.resolve("/topics?filter=xssbrowser/%23").toString());
        browser.waitUntilLive();
        device.publish("xssbrowser/temperature1", XSS, 1, false);
        device.publish("xssbrowser/status", XSS, 1, false);

        browser.waitFor(d -> valueOf("xssbrowser/temperature1").equals(XSS));
        assertThat(browser.findAll("img")).as("images made from payloads").isEmpty();

        browser.get(base.toString());
        browser.waitUntilLive();
        device.publish("xssbrowser/temperature2", XSS, 1, false);
        browser.waitFor(d -> readingOf("xssbrowser", "temperature2").equals(XSS));
        assertThat(browser.find("article[data-cell='xssbrowser'] [data-role=status]").getText()).isEqualTo(XSS);
        assertThat(browser.findAll("img")).as("images made from payloads").isEmpty();
    }

    @Test
    void cellsPageUpdatesTheCardAndTheAverageLive() {
        device.publish("livecell/temperature1", "20", 1, true);
        device.publish("livecell/temperature2", "22", 1, true);
        device.publish("livecell/status", "online", 1, true);
        browser.get(base.toString());
        browser.waitUntilLive();
        browser.waitFor(d -> readingOf("livecell", "avgtemperature").equals("21"));

        device.publish("livecell/temperature2", "30", 1, true);
        device.publish("livecell/joints", "{\"joint0\": 90, \"joint1\": 180}", 0, false);

        browser.waitFor(d -> readingOf("livecell", "avgtemperature").equals("25"));
        browser.waitFor(d -> browser.findAll("article[data-cell='livecell'] .joint meter").size() == 2);
        assertThat(browser.find("article[data-cell='livecell'] .joint[data-joint='1'] .deg").getText()).isEqualTo("180°");
        assertThat(browser.find("article[data-cell='livecell'] [data-role=status]").getText()).isEqualTo("online");
        browser.screenshot(Path.of("target", "dashboard-cells.png"));
    }

    @Test
    void publishFormPublishesToTheBroker() {
        device.subscribe("formcell/#", 1);
        browser.get(base.resolve("/topics/formcell/setpoint").toString());
        browser.waitUntilLive();

        WebElement form = browser.find("#publish-form");
        WebElement payload = form.findElement(org.openqa.selenium.By.name("payload"));
        payload.clear();
        payload.sendKeys("42.5");
        new Select(form.findElement(org.openqa.selenium.By.name("qos"))).selectByValue("1");
        form.findElement(org.openqa.selenium.By.cssSelector("button[type=submit]")).click();

        MqttTestClient.Received received = device.next("formcell/setpoint");
        assertThat(received.payload()).isEqualTo("42.5");
        assertThat(received.qos()).isEqualTo(1);
        browser.waitFor(d -> browser.find("#publish-result").getText().startsWith("Published"));
        browser.waitFor(d -> browser.find("#last-value").getText().equals("42.5"));
    }

    private String valueOf(String topic) {
        return browser.findAll("li[data-topic='" + topic + "'] > .node-row .node-value").stream()
                .map(e -> String.valueOf(e.getAttribute("data-value"))).findFirst().orElse("");
    }

    private String readingOf(String cell, String suffix) {
        return browser.findAll("article[data-cell='" + cell + "'] .reading[data-suffix='" + suffix + "'] [data-role=value]")
                .stream().map(WebElement::getText).findFirst().orElse("");
    }
}
