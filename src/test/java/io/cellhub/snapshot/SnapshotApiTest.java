package io.cellhub.snapshot;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.NotebookExercises;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Session snapshots against the embedded broker and PostgreSQL. */
@QuarkusTest
class SnapshotApiTest {

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    @Test
    void twoSnapshotsAroundAChangeDiffToExactlyThatChange() {
        NotebookExercises.awaitReady();
        try (MqttTestClient device = MqttTestClient.connect(brokerPort, "snap-device")) {
            device.publish("snapcell/valve1", "1", 1, true);
            await().untilAsserted(() -> given().get("/api/topics/snapcell/valve1").then().statusCode(200));
            long before = take("before");

            device.publish("snapcell/valve1", "2", 1, true);
            device.publish("snapcell/valve2", "5", 1, false);
            await().untilAsserted(() -> given().get("/api/topics/snapcell/valve2").then().statusCode(200));
            await().untilAsserted(() -> given().get("/api/topics/snapcell/valve1").then().body("payload", equalTo("2")));
            long after = take("after");

            JsonPath diff = given().get("/api/snapshots/" + before + "/diff/" + after).then().statusCode(200).extract().jsonPath();
            assertThat(diff.getList("added.topic")).filteredOn(t -> t.toString().startsWith("snapcell/"))
                    .containsExactly("snapcell/valve2");
            assertThat(diff.getList("removed.topic")).isEmpty();
            assertThat(diff.getList("changed.topic")).filteredOn(t -> t.toString().startsWith("snapcell/"))
                    .containsExactly("snapcell/valve1");
            assertThat(diff.getString("changed.find { it.topic == 'snapcell/valve1' }.before.payload")).isEqualTo("1");
            assertThat(diff.getString("changed.find { it.topic == 'snapcell/valve1' }.after.payload")).isEqualTo("2");
        }
    }

    @Test
    void aSnapshotHoldsEntriesTheSessionAndTheRules() {
        NotebookExercises.awaitReady();
        try (MqttTestClient device = MqttTestClient.connect(brokerPort, "snap-device-2")) {
            device.publish("snapget/status", "online", 1, true);
            await().untilAsserted(() -> given().queryParam("filter", "snapget/#").get("/api/retained")
                    .then().body("topic", hasItem("snapget/status")));
        }
        long id = take("inspect");

        JsonPath snapshot = given().queryParam("filter", "snapget/#").get("/api/snapshots/" + id)
                .then().statusCode(200).extract().jsonPath();
        assertThat(snapshot.getString("label")).isEqualTo("inspect");
        assertThat(snapshot.getString("trigger")).isEqualTo("manual");
        assertThat(snapshot.getList("entries.topic")).containsExactly("snapget/status");
        assertThat(snapshot.getBoolean("entries[0].retained")).as("retained per the mirror").isTrue();
        assertThat(snapshot.getString("session.clientId")).isEqualTo("cellhub");
        assertThat(snapshot.getBoolean("session.cleanSession")).isFalse();
        assertThat(snapshot.getList("session.subscriptions.filter")).containsExactly("#");
        assertThat(snapshot.getList("rules.name")).contains("temperature", "cylinders");

        List<Long> ids = given().get("/api/snapshots").jsonPath().getList("id", Long.class);
        assertThat(ids.get(0)).as("newest first").isGreaterThanOrEqualTo(id);
    }

    @Test
    void restoreRepublishesTheSnapshotsRetainedEntries() {
        NotebookExercises.awaitReady();
        try (MqttTestClient device = MqttTestClient.connect(brokerPort, "snap-device-3")) {
            device.publish("snaprestore/cylinderOn", "True", 1, true);
            await().untilAsserted(() -> given().queryParam("filter", "snaprestore/#").get("/api/retained")
                    .then().body("topic", hasItem("snaprestore/cylinderOn")));
            long id = take("to restore");
            device.publish("snaprestore/cylinderOn", "False", 1, true);
            await().untilAsserted(() -> given().queryParam("filter", "snaprestore/#").get("/api/retained")
                    .then().body("[0].payload", equalTo("False")));

            given().queryParam("filter", "snaprestore/#").post("/api/snapshots/" + id + "/restore")
                    .then().statusCode(200).body("restored", equalTo(1));
            await().untilAsserted(() -> given().queryParam("filter", "snaprestore/#").get("/api/retained")
                    .then().body("[0].payload", equalTo("True")));
        }
    }

    @Test
    void scheduledSnapshotsAreTaken() {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().get("/api/snapshots")
                .then().body("trigger", hasItem("scheduled")));
    }

    @Test
    void unknownSnapshotIsANotFoundProblem() {
        given().get("/api/snapshots/999999").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/snapshots/999998/diff/999999").then().statusCode(404).contentType("application/problem+json");
    }

    private static long take(String label) {
        return given().contentType(ContentType.JSON).body(Map.of("label", label)).post("/api/snapshots")
                .then().statusCode(201)
                .body("label", equalTo(label))
                .body("trigger", equalTo("manual"))
                .extract().jsonPath().getLong("id");
    }
}
