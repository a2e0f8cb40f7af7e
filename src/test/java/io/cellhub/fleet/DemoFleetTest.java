package io.cellhub.fleet;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The simulated fleet publishes what the notebook publishes, through the real broker and ingest. */
@QuarkusTest
class DemoFleetTest {

    @Inject
    DemoFleet fleet;

    @Test
    void cellsPublishTemperaturesJointsAndStatus() {
        fleet.start("simcell", 1, 2);
        try {
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> given().queryParam("filter", "simcell2/#")
                    .get("/api/topics")
                    .then().statusCode(200)
                    .body("topic", hasItems("simcell2/temperature1", "simcell2/temperature2", "simcell2/joints",
                            "simcell2/joints/0", "simcell2/joints/5", "simcell2/status")));
            given().get("/api/topics/simcell1/status").then().body("payload", equalTo("online"));
            given().get("/api/topics/simcell1/temperature1").then().body("number", notNullValue());
            given().get("/api/topics/simcell1/joints/3").then().body("number", notNullValue());
        } finally {
            fleet.stop();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/topics/simcell1/status")
                .then().body("payload", equalTo("offline")));
    }
}
