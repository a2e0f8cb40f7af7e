package io.cellhub.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class HealthAndMetricsTest {

    @Test
    void readyOnceTheChannelsAndTheDatabaseAnswer() {
        given().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Database connections health check"))
                .body("checks.find { it.name == 'SmallRye Reactive Messaging - readiness check' }.data.mqtt-in", equalTo("[OK]"));
    }

    @Test
    void livenessDoesNotDependOnTheBroker() {
        given().get("/q/health/live")
                .then().statusCode(200)
                .body("checks.findAll { it.data != null }.data.mqtt-in", not(hasItem("[OK]")));
    }

    /** Quarkus registered it twice and Micrometer warned at every start (NettyWorkersGaugeFilter). */
    @Test
    void metricsKeepNettysExecutorMetricsWithoutTheDuplicatedWorkersGauge() {
        given().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("netty_eventexecutor_tasks_pending"))
                .body(not(containsString("netty_eventexecutor_workers")));
    }

    @Test
    void statusRecordsThisStartInTheDatabase() {
        given().get("/api/status")
                .then().statusCode(200)
                .body("embeddedBroker", equalTo(true))
                .body("starts", greaterThanOrEqualTo(1));
    }

    @Test
    void openApiDocumentsThePublicApi() {
        given().get("/q/openapi?format=json")
                .then().statusCode(200)
                .body("paths.keySet()", hasItem("/api/publish"))
                .body("paths.keySet()", hasItem("/api/topics"));
    }
}
