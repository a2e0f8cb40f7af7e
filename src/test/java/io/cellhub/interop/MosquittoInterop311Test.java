package io.cellhub.interop;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import io.cellhub.support.NotebookExercises;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The interop suite again with CellHub's connections on MQTT 3.1.1: ingest, publish, the exercises,
 * a broker outage, the retained restore, and payloads over the ingest limit, which a 3.1.1 client
 * cannot ask the broker to hold back.
 */
@QuarkusTest
@TestProfile(Mqtt311Profile.class)
class MosquittoInterop311Test extends MosquittoInteropTest {

    @Test
    @Order(0)
    void theIngestSpeaksMqtt311() {
        NotebookExercises.awaitReady();
        given().get("/api/status").then().body("mqttVersion", equalTo("3.1.1"));
    }

    @Override
    protected boolean mqtt5() {
        return false;
    }
}
