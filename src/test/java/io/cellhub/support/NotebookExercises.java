package io.cellhub.support;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItems;

import java.time.Duration;

import io.restassured.path.json.JsonPath;

/** The notebook's two in-class exercises, replayed with real MQTT clients against a running CellHub. */
public final class NotebookExercises {

    private NotebookExercises() {
    }

    /** temperature1=21, temperature2=26 gives 23.5; then temperature1=31 gives 28.5. */
    public static void average(int brokerPort, String cell) {
        try (MqttTestClient student = MqttTestClient.connect(brokerPort, cell + "-student");
                MqttTestClient watcher = MqttTestClient.connect(brokerPort, cell + "-watcher")) {
            watcher.subscribe(cell + "/avgtemperature", 1);
            student.publish(cell + "/temperature1", "21", 0, true);
            student.publish(cell + "/temperature2", "26", 0, true);
            MqttTestClient.Received first = watcher.next(cell + "/avgtemperature");
            assertThat(first.payload()).isEqualTo("23.5");
            assertThat(first.qos()).isEqualTo(1);

            student.publish(cell + "/temperature1", "31", 0, true);
            assertThat(watcher.next(cell + "/avgtemperature").payload()).isEqualTo("28.5");
        }
    }

    /** With the start topics present, True to component 1 ends at False/True/True, every time. */
    public static void cylinders(int brokerPort) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().queryParam("filter", "+/cylinderOn")
                .get("/api/topics")
                .then().body("topic", hasItems("systemcomponent1/cylinderOn", "systemcomponent2/cylinderOn",
                        "systemcomponent3/cylinderOn")));
        try (MqttTestClient operator = MqttTestClient.connect(brokerPort, "cylinder-operator")) {
            for (int run = 1; run <= 2; run++) {
                long publishedBefore = ruleStat("cylinders", "published");
                operator.publish("systemcomponent1/cylinderOn", "True", 1, true);
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    assertThat(ruleStat("cylinders", "published")).isEqualTo(publishedBefore + 3);
                    assertThat(cylinderStates()).isEqualTo("False True True");
                });
            }
        }
    }

    public static String cylinderStates() {
        JsonPath topics = given().queryParam("filter", "+/cylinderOn").get("/api/topics").jsonPath();
        return topics.getString("find { it.topic == 'systemcomponent1/cylinderOn' }.payload") + " "
                + topics.getString("find { it.topic == 'systemcomponent2/cylinderOn' }.payload") + " "
                + topics.getString("find { it.topic == 'systemcomponent3/cylinderOn' }.payload");
    }

    public static long ruleStat(String rule, String stat) {
        return given().get("/api/rules").jsonPath().getLong("find { it.name == '" + rule + "' }.stats." + stat);
    }

    public static void awaitReady() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }
}
