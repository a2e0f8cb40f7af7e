package io.cellhub.dashboard;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.MqttTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * {@code /api/cells}: the fleet view's read side. Four cells in the four states (the test profile
 * makes a cell stale after 2 s of silence), found by searching their names, in each order, a page at
 * a time; the summary counts every cell once.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedPartsResource.class)
class CellsApiTest {

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    @Test
    void cellsAreSearchedSortedPagedAndCountedByState() {
        ScheduledExecutorService chatter = Executors.newSingleThreadScheduledExecutor();
        try (MqttTestClient device = MqttTestClient.connect(brokerPort, "device-cells-api")) {
            device.publish("fleettest-c2/temperature1", "20", 1, true);
            device.publish("fleettest-c10/status", "offline", 1, true);
            device.publish("fleettest-c3/status", "online", 1, true);
            device.publish("fleettest-c1/temperature1", "20", 1, true);
            device.publish("fleettest-c1/status", "online", 1, true);
            await().atMost(Duration.ofSeconds(10)).until(() -> total("fleettest-") == 4);
            // c1 and c2 keep speaking: c1 online, c2 without status; c3 said online, then fell silent: stale.
            chatter.scheduleAtFixedRate(() -> {
                device.publishAsync("fleettest-c1/temperature2", "22", 0);
                device.publishAsync("fleettest-c2/temperature2", "22", 0);
            }, 0, 300, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> state("fleettest-c3").equals("stale"));
            await().atMost(Duration.ofSeconds(10)).until(() -> state("fleettest-c1").equals("online")
                    && state("fleettest-c2").equals("unknown"));
            assertStatesOrdersAndPages();
        } finally {
            chatter.shutdownNow();
        }
    }

    private void assertStatesOrdersAndPages() {
        assertThat(names("name")).containsExactly("fleettest-c1", "fleettest-c2", "fleettest-c3", "fleettest-c10");
        assertThat(names("alarm")).containsExactly("fleettest-c10", "fleettest-c3", "fleettest-c2", "fleettest-c1");
        assertThat(names("lastSeen").subList(0, 2)).containsExactlyInAnyOrder("fleettest-c1", "fleettest-c2");
        assertThat(state("fleettest-c10")).isEqualTo("offline");
        assertThat(state("fleettest-c3")).isEqualTo("stale");

        JsonPath card = given().queryParam("search", "FLEETTEST-C1").get("/api/cells").jsonPath();
        assertThat(card.getList("items.name")).as("search ignores case").contains("fleettest-c1");
        assertThat(card.getString("items.find { it.name == 'fleettest-c1' }.readings.find { it.label == 'avgtemperature' }"
                + ".value")).isEqualTo("21");

        // Cells move in the last-seen order as they speak, so only the stable orders must page exactly.
        for (String sort : List.of("name", "alarm")) {
            assertThat(pagedNames(sort)).as("one card a page, sorted by " + sort).containsExactlyElementsOf(names(sort));
        }

        JsonPath summary = given().get("/api/cells/summary").then().statusCode(200).extract().jsonPath();
        assertThat(summary.getInt("online") + summary.getInt("stale") + summary.getInt("offline") + summary.getInt("unknown"))
                .isEqualTo(summary.getInt("cells"));
        assertThat(summary.getInt("offline")).isGreaterThanOrEqualTo(1);
        assertThat(summary.getInt("stale")).isGreaterThanOrEqualTo(1);
        assertThat(summary.getList("rules.name")).contains("temperature", "cylinders");
        assertThat(summary.getList("chains.name")).contains("cylinders");
    }

    /**
     * The states of the cells are reused for a second, but not past a new cell or a cell's new topic:
     * the card read right after the rule's first average shows it, and a cell that has just appeared
     * is found (the pages read the card at once when their stream opens and would otherwise miss both).
     */
    @Test
    void aNewCellAndACellsNewTopicShowAtOnce() {
        try (MqttTestClient device = MqttTestClient.connect(brokerPort, "device-cells-fresh")) {
            device.publish("freshcell/temperature1", "20", 1, true);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> fleetRead() && given().get("/api/topics/freshcell/temperature1").statusCode() == 200);
            assertThat(total("freshcell")).as("a cell that has just appeared").isEqualTo(1);

            device.publish("freshcell/temperature2", "22", 1, true);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> fleetRead() && given().get("/api/topics/freshcell/avgtemperature").statusCode() == 200);
            assertThat(given().queryParam("search", "freshcell").get("/api/cells").jsonPath()
                    .getString("items[0].readings.find { it.label == 'avgtemperature' }.value"))
                    .as("the average the rule has just published").isEqualTo("21");
        }
    }

    /** Reads the fleet, as a page's summary refresh does, so its states were read a moment ago. */
    private static boolean fleetRead() {
        return given().get("/api/cells/summary").statusCode() == 200;
    }

    private static int total(String search) {
        return given().queryParam("search", search).get("/api/cells").then().statusCode(200).extract().jsonPath().getInt("total");
    }

    private static String state(String cell) {
        return given().queryParam("search", cell).get("/api/cells").jsonPath()
                .getString("items.find { it.name == '" + cell + "' }.state");
    }

    private static List<String> names(String sort) {
        return given().queryParam("search", "fleettest-").queryParam("sort", sort).get("/api/cells").then().statusCode(200)
                .extract().jsonPath().getList("items.name");
    }

    private static List<String> pagedNames(String sort) {
        List<String> names = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 10; page++) {
            var request = given().queryParam("search", "fleettest-").queryParam("sort", sort).queryParam("limit", 1);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath json = request.get("/api/cells").then().statusCode(200).extract().jsonPath();
            names.addAll(json.getList("items.name"));
            cursor = json.getString("next");
            if (cursor == null) {
                break;
            }
        }
        return names;
    }
}
