package io.cellhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cellhub.support.FreePort;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.PackagedApp;
import io.cellhub.support.ScratchSpace;

/** The packaged app keeps retained values and its database across a stop and start, and two run side by side. */
class RestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void retainedValuesAndDatabaseSurviveARestart() throws Exception {
        Path dataDir = ScratchSpace.directory("cellhub-restart");
        int brokerPort = FreePort.find();
        Map<String, String> env = Map.of(
                "CELLHUB_BROKER_PORT", String.valueOf(brokerPort),
                "CELLHUB_DATA_DIR", dataDir.toString(),
                "CELLHUB_FLEET_ENABLED", "false");
        int httpPort = FreePort.find();

        try (PackagedApp app = new PackagedApp(httpPort, env).start()) {
            MqttTestClient.connect("127.0.0.1", brokerPort, "persistent-cell", false).subscribeThenClose("cmd/#", 1);
            try (MqttTestClient device = MqttTestClient.connect(brokerPort, "restart-device")) {
                device.publish("cmd/start", "queued while away", 1, false);
                device.publish("robotcell9/temperature1", "21.5", 1, true);
                await().atMost(Duration.ofSeconds(10)).until(() -> topics(app, "robotcell9/%23").size() == 1);
            }
            assertThat(topics(app, "robotcell9/%23").get(0).get("number").asDouble()).isEqualTo(21.5);
            assertThat(JSON.readTree(app.get("/api/status")).get("starts").asLong()).isEqualTo(1);
        }

        try (PackagedApp app = new PackagedApp(httpPort, env).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> topics(app, "robotcell9/%23").size() == 1);
            JsonNode topic = topics(app, "robotcell9/%23").get(0);
            assertThat(topic.get("topic").asText()).isEqualTo("robotcell9/temperature1");
            assertThat(topic.get("number").asDouble()).isEqualTo(21.5);
            assertThat(topic.get("retained").asBoolean()).as("re-sent by the broker as retained").isTrue();
            assertThat(JSON.readTree(app.get("/api/status")).get("starts").asLong())
                    .as("the embedded PostgreSQL kept the first start's row").isEqualTo(2);
            JsonNode snapshots = JSON.readTree(app.get("/api/snapshots"));
            assertThat(snapshots.findValuesAsText("trigger")).as("a snapshot taken at the graceful stop").contains("shutdown");

            try (MqttTestClient back = MqttTestClient.connect("127.0.0.1", brokerPort, "persistent-cell", false)) {
                assertThat(back.next("cmd/start").payload())
                        .as("a persistent session's queued QoS 1 message survives a graceful restart").isEqualTo("queued while away");
            }

            // CellHub's ingest session came back: live messages arrive.
            try (MqttTestClient device = MqttTestClient.connect(brokerPort, "restart-device-again")) {
                device.publish("robotcell9/temperature2", "22.5", 1, false);
                await().atMost(Duration.ofSeconds(10)).until(() -> topics(app, "robotcell9/%23").findValuesAsText("topic")
                        .contains("robotcell9/temperature2"));
            }
        }
    }

    @Test
    void processorsRecoverFromRetainedStateWithoutACascade() throws Exception {
        Path dataDir = ScratchSpace.directory("cellhub-restart-rules");
        int brokerPort = FreePort.find();
        int httpPort = FreePort.find();
        Map<String, String> env = Map.of(
                "CELLHUB_BROKER_PORT", String.valueOf(brokerPort),
                "CELLHUB_DATA_DIR", dataDir.toString(),
                "CELLHUB_FLEET_ENABLED", "false");

        try (PackagedApp app = new PackagedApp(httpPort, env).start();
                MqttTestClient cell = MqttTestClient.connect(brokerPort, "restart-cell")) {
            cell.publish("robotcell1/temperature1", "21", 1, true);
            cell.publish("robotcell1/temperature2", "26", 1, true);
            cell.publish("systemcomponent1/cylinderOn", "True", 1, true);
            await().atMost(Duration.ofSeconds(10)).until(() -> "False True True".equals(cylinders(app)));
        }

        try (PackagedApp app = new PackagedApp(httpPort, env).start();
                MqttTestClient cell = MqttTestClient.connect(brokerPort, "restart-cell-again")) {
            JsonNode cylinders = rule(app, "cylinders");
            assertThat(cylinders.at("/stats/published").asLong()).as("no start values, no cascade from retained state")
                    .isZero();
            assertThat(cylinders(app)).isEqualTo("False True True");

            cell.subscribe("robotcell1/avgtemperature", 1);
            assertThat(cell.next("robotcell1/avgtemperature").payload()).as("the retained average").isEqualTo("23.5");
            cell.publish("robotcell1/temperature2", "20", 1, true);
            assertThat(cell.next("robotcell1/avgtemperature").payload()).as("21 recovered from the broker, 20 live")
                    .isEqualTo("20.5");
        }
    }

    @Test
    void twoInstancesRunSideBySideOnTheirOwnPortsAndData() throws Exception {
        int brokerA = FreePort.find();
        int brokerB = FreePort.find();
        try (PackagedApp a = new PackagedApp(FreePort.find(), Map.of("CELLHUB_BROKER_PORT", String.valueOf(brokerA),
                "CELLHUB_DATA_DIR", ScratchSpace.directory("cellhub-a").toString(), "CELLHUB_FLEET_ENABLED", "false")).start();
                PackagedApp b = new PackagedApp(FreePort.find(), Map.of("CELLHUB_BROKER_PORT", String.valueOf(brokerB),
                        "CELLHUB_DATA_DIR", ScratchSpace.directory("cellhub-b").toString(), "CELLHUB_FLEET_ENABLED", "false"))
                        .start()) {
            try (MqttTestClient device = MqttTestClient.connect(brokerA, "side-device")) {
                device.publish("cella/temperature1", "1", 1, false);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> topics(a, "cella/%23").size() == 1);
            assertThat(topics(b, "cella/%23")).isEmpty();
        }
    }

    private static String cylinders(PackagedApp app) throws Exception {
        StringBuilder states = new StringBuilder();
        for (int component = 1; component <= 3; component++) {
            var response = app.request("/api/topics/systemcomponent" + component + "/cylinderOn");
            states.append(component > 1 ? " " : "")
                    .append(response.statusCode() == 200 ? JSON.readTree(response.body()).get("payload").asText() : "-");
        }
        return states.toString();
    }

    private static JsonNode rule(PackagedApp app, String name) throws Exception {
        for (JsonNode rule : JSON.readTree(app.get("/api/rules"))) {
            if (rule.get("name").asText().equals(name)) {
                return rule;
            }
        }
        throw new AssertionError("No rule " + name);
    }

    private static JsonNode topics(PackagedApp app, String filter) throws Exception {
        return JSON.readTree(app.get("/api/topics?filter=" + filter));
    }
}
