package io.cellhub.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import io.cellhub.support.Browser;
import io.cellhub.support.MqttTestClient;

/**
 * What the dashboard must do for a person, whatever the size of the fleet: run by
 * {@link DashboardBrowserTest} on the demo-scale test app and by {@code DashboardFleetIT} on a
 * CellHub holding 100,000 topics and 10,000 cells. Each scenario publishes through a real device on
 * the broker and reads the page as Chromium drew it.
 */
public final class DashboardScenarios {

    public static final String XSS = "<img src=x onerror=alert(1)>";

    private final Browser browser;
    private final URI base;
    private final MqttTestClient device;
    private final String screenshots;

    /** {@code screenshots}: the prefix of the PNG files the scenarios leave in {@code target/}. */
    public DashboardScenarios(Browser browser, URI base, MqttTestClient device, String screenshots) {
        this.browser = browser;
        this.base = base;
        this.device = device;
        this.screenshots = screenshots;
    }

    /**
     * The tree, filtered to one cell by the filter in the URL, opens it by itself and shows its value;
     * a value and a new topic published after the page loaded appear without a reload.
     */
    public void topicTreeShowsAValuePublishedAfterThePageLoaded() {
        device.publish("browsercell/temperature1", "20.5", 1, true);
        browser.get(base.resolve("/topics?filter=" + encode("browsercell/#")).toString());
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
        browser.screenshot(Path.of("target", screenshots + "-topics.png"));
    }

    /** A payload that is markup shows as text in the tree and on the cell's card, and no image is made of it. */
    public void untrustedPayloadShowsAsTextInTheTreeAndOnTheCellCard() {
        browser.get(base.resolve("/topics?filter=" + encode("xssbrowser/#")).toString());
        browser.waitUntilLive();
        device.publish("xssbrowser/temperature1", XSS, 1, false);
        device.publish("xssbrowser/status", XSS, 1, false);

        browser.waitFor(d -> valueOf("xssbrowser/temperature1").equals(XSS));
        assertThat(browser.findAll("img")).as("images made from payloads").isEmpty();

        browser.get(base.resolve("/?search=xssbrowser").toString());
        browser.waitUntilLive();
        device.publish("xssbrowser/temperature2", XSS, 1, false);
        browser.waitFor(d -> readingOf("xssbrowser", "temperature2").equals(XSS));
        assertThat(browser.find("article[data-cell='xssbrowser'] [data-role=status]").getText()).isEqualTo(XSS);
        assertThat(browser.findAll("img")).as("images made from payloads").isEmpty();
    }

    /** The cell's card, found by searching its name, follows its readings, the average rule and its joints live. */
    public void cellsPageUpdatesTheCardAndTheAverageLive() {
        device.publish("livecell/temperature1", "20", 1, true);
        device.publish("livecell/temperature2", "22", 1, true);
        device.publish("livecell/status", "online", 1, true);
        browser.get(base.resolve("/").toString());
        browser.waitUntilLive();
        WebElement search = browser.find("#cell-search");
        search.sendKeys("livecell");
        browser.waitFor(d -> browser.findAll("article.cell").size() == 1
                && !browser.findAll("article[data-cell='livecell']").isEmpty());
        browser.waitUntilLive();
        browser.waitFor(d -> readingOf("livecell", "avgtemperature").equals("21"));

        device.publish("livecell/temperature2", "30", 1, true);
        device.publish("livecell/joints", "{\"joint0\": 90, \"joint1\": 180}", 0, false);

        browser.waitFor(d -> readingOf("livecell", "avgtemperature").equals("25"));
        browser.waitFor(d -> browser.findAll("article[data-cell='livecell'] .joint meter").size() == 2);
        assertThat(browser.find("article[data-cell='livecell'] .joint[data-joint='1'] .deg").getText()).isEqualTo("180°");
        assertThat(browser.find("article[data-cell='livecell'] [data-role=status]").getText()).isEqualTo("online");
        assertThat(browser.driver().getCurrentUrl()).as("the search is in the address, for a reload or a link")
                .contains("search=livecell");
        browser.screenshot(Path.of("target", screenshots + "-cells.png"));
    }

    /** The topic page's form publishes to the broker, and the page shows the value it published. */
    public void publishFormPublishesToTheBroker() {
        device.subscribe("formcell/#", 1);
        browser.get(base.resolve("/topics/formcell/setpoint").toString());
        browser.waitUntilLive();

        WebElement form = browser.find("#publish-form");
        WebElement payload = form.findElement(By.name("payload"));
        payload.clear();
        payload.sendKeys("42.5");
        new Select(form.findElement(By.name("qos"))).selectByValue("1");
        form.findElement(By.cssSelector("button[type=submit]")).click();

        String result = browser.waitFor(d -> {
            String text = browser.find("#publish-result").getText();
            return text.isEmpty() || text.startsWith("Publishing") ? null : text;
        });
        assertThat(result).as(() -> "what the form says; the requests it made: " + browser.script(
                "return JSON.stringify(performance.getEntriesByType('resource').filter(e => e.name.includes('/api/publish'))"
                        + ".map(e => ({ status: e.responseStatus, ms: Math.round(e.duration), start: Math.round(e.startTime) })))"))
                .startsWith("Published");
        MqttTestClient.Received received = device.next("formcell/setpoint");
        assertThat(received.payload()).isEqualTo("42.5");
        assertThat(received.qos()).isEqualTo(1);
        browser.waitFor(d -> browser.find("#last-value").getText().equals("42.5"));
    }

    /**
     * A page left behind closes its stream: Chromium holds at most six connections to one server, so
     * streams left open by the pages before would, by the sixth page, stall every request the
     * dashboard makes (the publish form waited for ever at fleet scale before this was fixed).
     *
     * @param streamsOn how many stream clients the server has on a filter
     */
    public void pagesLeftBehindCloseTheirStreams(java.util.function.ToIntFunction<String> streamsOn) {
        for (int visit = 0; visit < 8; visit++) {
            browser.get(base.resolve("/topics/navcell/left" + (visit % 2 == 0 ? "" : "?again")).toString());
            browser.waitUntilLive();
        }
        browser.waitFor(d -> streamsOn.applyAsInt("navcell/left") == 1);
        browser.get(base.resolve("/rules").toString());
        browser.waitFor(d -> streamsOn.applyAsInt("navcell/left") == 0);
    }

    private String valueOf(String topic) {
        return browser.findAll("li[data-topic='" + topic + "'] > .node-row .node-value").stream()
                .map(e -> String.valueOf(e.getAttribute("data-value"))).findFirst().orElse("");
    }

    private String readingOf(String cell, String suffix) {
        return browser.findAll("article[data-cell='" + cell + "'] .reading[data-suffix='" + suffix + "'] [data-role=value]")
                .stream().map(WebElement::getText).findFirst().orElse("");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
