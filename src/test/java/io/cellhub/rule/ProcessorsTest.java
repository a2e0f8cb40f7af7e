package io.cellhub.rule;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.NotebookExercises;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.buffer.Buffer;

/** Both notebook exercises through the embedded broker, with real MQTT clients. */
@QuarkusTest
class ProcessorsTest {

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    /** Until CellHub has the broker's retained state, it takes every message as state, not as an event. */
    @BeforeEach
    void ready() {
        NotebookExercises.awaitReady();
    }

    @Test
    void averageExerciseGives23Point5Then28Point5() {
        NotebookExercises.average(brokerPort, "nbcell");
        await().untilAsserted(() -> given().get("/api/topics/nbcell/avgtemperature").then().body("payload", equalTo("28.5")));
    }

    @Test
    void everyCellOfAHundredGetsItsOwnAverage() {
        try (MqttTestClient fleet = MqttTestClient.connect(brokerPort, "fleet-100");
                MqttTestClient watcher = MqttTestClient.connect(brokerPort, "fleet-100-watcher")) {
            watcher.subscribe("+/avgtemperature", 1);
            for (int cell = 1; cell <= 100; cell++) {
                fleet.publish("fleet" + cell + "/temperature1", String.valueOf(cell), 1, true);
                fleet.publish("fleet" + cell + "/temperature2", String.valueOf(cell + 1), 1, true);
            }
            Map<String, String> averages = new HashMap<>();
            while (averages.size() < 100) {
                MqttTestClient.Received received = watcher.next();
                // CellsApiTest leaves retained inputs of cells named fleettest-...: only this test's cells count
                if (received.topic().matches("fleet\\d+/avgtemperature")) {
                    averages.put(received.topic(), received.payload());
                }
            }
            for (int cell = 1; cell <= 100; cell++) {
                assertThat(averages).containsEntry("fleet" + cell + "/avgtemperature", cell + ".5");
            }
        }
    }

    @Test
    void notebookJsonInputIsReadByItsNumericField() {
        try (MqttTestClient cell = MqttTestClient.connect(brokerPort, "json-cell");
                MqttTestClient watcher = MqttTestClient.connect(brokerPort, "json-watcher")) {
            watcher.subscribe("jsoncell/avgtemperature", 1);
            cell.publish("jsoncell/temperature1", "{\"temperatur\": 10, \"type\": \"robot front\"}", 0, false);
            cell.publish("jsoncell/temperature2", "20", 0, false);
            assertThat(watcher.next("jsoncell/avgtemperature").payload()).isEqualTo("15");
        }
    }

    @Test
    void garbageInputIsIgnoredAndCountedAndThePreviousAverageStands() throws InterruptedException {
        try (MqttTestClient cell = MqttTestClient.connect(brokerPort, "garbage-cell");
                MqttTestClient watcher = MqttTestClient.connect(brokerPort, "garbage-watcher")) {
            watcher.subscribe("garbcell/avgtemperature", 1);
            cell.publish("garbcell/temperature1", "10", 1, true);
            cell.publish("garbcell/temperature2", "20", 1, true);
            assertThat(watcher.next("garbcell/avgtemperature").payload()).isEqualTo("15");
            long ignoredBefore = ruleStat("temperature", "ignored");

            cell.publish("garbcell/temperature1", "not-a-number", 1, true);
            cell.publish("garbcell/temperature1", "", 1, false);
            cell.publish("garbcell/temperature1", Buffer.buffer(new byte[] { (byte) 0xff, 0x00 }), 1, false);

            await().untilAsserted(() -> assertThat(ruleStat("temperature", "ignored")).isEqualTo(ignoredBefore + 3));
            assertThat(watcher.poll(Duration.ofMillis(500))).as("no new average from garbage").isNull();
            given().get("/q/health/live").then().statusCode(200);

            cell.publish("garbcell/temperature1", "30", 1, true);
            assertThat(watcher.next("garbcell/avgtemperature").payload()).as("10 was kept through the garbage, 20 stands")
                    .isEqualTo("25");
        }
    }

    @Test
    void aSecondRuleAveragesThreeInputsSideBySide() {
        try (MqttTestClient cell = MqttTestClient.connect(brokerPort, "pressure-cell");
                MqttTestClient watcher = MqttTestClient.connect(brokerPort, "pressure-watcher")) {
            watcher.subscribe("press1/#", 1);
            cell.publish("press1/pressure1", "1", 1, false);
            cell.publish("press1/pressure2", "2", 1, false);
            cell.publish("press1/pressure3", "2", 1, false);
            assertThat(watcher.next("press1/avgpressure").payload()).isEqualTo("1.666666666666667");
        }
    }

    @Test
    void cylinderExerciseEndsFalseTrueTrueEveryTime() {
        NotebookExercises.cylinders(brokerPort);
    }

    @Test
    void twoChainsThatFeedEachOtherAreCutAndSettle() throws InterruptedException {
        try (MqttTestClient operator = MqttTestClient.connect(brokerPort, "loop-operator")) {
            operator.publish("loopx/cylinderOn", "True", 1, true);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(ruleStat("loop-a", "cut") + ruleStat("loop-b", "cut")).isPositive());
        }
        long settled = ruleStat("loop-a", "published") + ruleStat("loop-b", "published");
        Thread.sleep(1000);
        assertThat(ruleStat("loop-a", "published") + ruleStat("loop-b", "published")).as("no more publishes: settled")
                .isEqualTo(settled);
        String metrics = given().get("/q/metrics").asString();
        assertThat(metrics).containsPattern("cellhub_rule_messages_total\\{outcome=\"cut\",rule=\"loop-[ab]\",type=\"handoff\"} [1-9]");
    }

    @Test
    void rulesApiListsTheDefaultRulesWithTheirCounters() {
        JsonPath rules = given().get("/api/rules").then().statusCode(200).extract().jsonPath();
        assertThat(rules.getString("find { it.name == 'temperature' }.type")).isEqualTo("average");
        assertThat(rules.getList("find { it.name == 'temperature' }.inputs")).containsExactly("temperature1", "temperature2");
        assertThat(rules.getString("find { it.name == 'temperature' }.output")).isEqualTo("avgtemperature");
        assertThat(rules.getString("find { it.name == 'cylinders' }.type")).isEqualTo("handoff");
        assertThat(rules.getList("find { it.name == 'cylinders' }.chain"))
                .containsExactly("systemcomponent1", "systemcomponent2", "systemcomponent3");
        assertThat(rules.getLong("find { it.name == 'cylinders' }.stats.published")).isGreaterThanOrEqualTo(0);
    }

    private static long ruleStat(String rule, String stat) {
        return NotebookExercises.ruleStat(rule, stat);
    }
}
