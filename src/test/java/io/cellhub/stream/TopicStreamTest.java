package io.cellhub.stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.SseTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** GET /api/stream against the embedded broker: filtering on the server, and slow clients coalesced. */
@QuarkusTest
@QuarkusTestResource(EmbeddedPartsResource.class)
class TopicStreamTest {

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    @TestHTTPResource("/")
    URI base;

    MqttTestClient device;

    @BeforeEach
    void connect() {
        device = MqttTestClient.connect(brokerPort, "device-stream");
    }

    @AfterEach
    void disconnect() {
        device.close();
    }

    @Test
    void clientOnACellFilterGetsItsTopicsAndNothingElse() {
        try (SseTestClient client = SseTestClient.fast(base, "robotcell1/#")) {
            assertThat(client.status()).isEqualTo(200);
            device.publish("robotcell9/sse", "nine", 1, false);
            device.publish("robotcell1/sse", "{\"v\": 1}", 1, false);
            device.publish("robotcell1/sse/end", "42.5", 1, false);

            await().atMost(Duration.ofSeconds(10)).until(() -> !client.eventsOn("robotcell1/sse/end").isEmpty());
            JsonNode event = client.eventsOn("robotcell1/sse").get(0);
            assertThat(event.get("payload").asText()).isEqualTo("{\"v\": 1}");
            assertThat(event.get("payloadBase64").isNull()).isTrue();
            assertThat(event.get("qos").asInt()).isEqualTo(1);
            assertThat(event.get("retained").asBoolean()).isFalse();
            assertThat(event.get("ts").asLong()).isPositive();
            assertThat(client.eventsOn("robotcell1/sse/end").get(0).get("number").asDouble()).isEqualTo(42.5);
            assertThat(client.events()).extracting(e -> e.get("topic").asText()).allMatch(t -> t.startsWith("robotcell1/"));
        }
    }

    /** The topic tree follows its open levels: one stream, several filters, a topic sent once even when two match. */
    @Test
    void clientOnSeveralFiltersGetsTheTopicsOfAnyAndNothingElse() {
        try (SseTestClient client = SseTestClient.fast(base, List.of("levels/a/+", "levels/b/+", "levels/+/both"))) {
            assertThat(client.status()).isEqualTo(200);
            device.publish("levels/c/x", "not followed", 1, false);
            device.publish("levels/a/x/deeper", "not followed either", 1, false);
            device.publish("levels/a/x", "1", 1, false);
            device.publish("levels/b/both", "2", 1, false);
            device.publish("levels/b/end", "3", 1, false);

            await().atMost(Duration.ofSeconds(10)).until(() -> !client.eventsOn("levels/b/end").isEmpty());
            assertThat(client.events()).extracting(e -> e.get("topic").asText())
                    .containsExactlyInAnyOrder("levels/a/x", "levels/b/both", "levels/b/end");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/stream/clients").then()
                .body("filter", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.not(containsString("levels/")))));
    }

    @Test
    void tooManyFiltersOrOneInvalidFilterIsAProblem() {
        StringBuilder many = new StringBuilder("/api/stream?");
        for (int i = 0; i <= 200; i++) {
            many.append("filter=f").append(i).append("/%2B&");
        }
        given().urlEncodingEnabled(false).get(many.toString()).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("cellhub.sse.max-filters"));
        given().urlEncodingEnabled(false).get("/api/stream?filter=ok/%2B&filter=a/%23/b").then().statusCode(400)
                .contentType("application/problem+json");
    }

    /** The test profile sets cellhub.sse.heartbeat=1s; other topics keep arriving meanwhile. */
    @Test
    void quietStreamGetsHeartbeatsWhileOtherTopicsAreBusy() {
        try (SseTestClient client = SseTestClient.fast(base, "heartbeat/quiet/#")) {
            for (int i = 0; i < 30 && client.comments().stream().noneMatch("heartbeat"::equals); i++) {
                device.publish("heartbeat/busy", String.valueOf(i), 0, false);
                sleep(100);
            }
            assertThat(client.comments()).contains("connected", "heartbeat");
            assertThat(client.events()).isEmpty();
        }
    }

    @Test
    void binaryPayloadsArriveAsBase64() {
        try (SseTestClient client = SseTestClient.fast(base, "streambin/+")) {
            device.publish("streambin/raw", io.vertx.core.buffer.Buffer.buffer(new byte[] { (byte) 0xff, 0, 1 }), 0, false);
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.eventsOn("streambin/raw").isEmpty());
            JsonNode event = client.eventsOn("streambin/raw").get(0);
            assertThat(event.get("payload").isNull()).isTrue();
            assertThat(event.get("payloadBase64").asText()).isEqualTo("/wAB");
        }
    }

    @Test
    void invalidFilterIsAProblemResponse() {
        given().queryParam("filter", "robotcell1/#/x")
                .when().get("/api/stream")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("'#'"));
    }

    /**
     * A reader that stalls while 40,000 events' worth of 2 KiB values arrive on 200 topics must not
     * slow a fast reader or lose any topic's latest value; it loses intermediate values instead.
     */
    @Test
    void slowReaderIsCoalescedWhileFastReaderGetsEveryLatestValue() {
        String padding = "x".repeat(2048);
        int topics = 200;
        int rounds = 20;
        try (SseTestClient slow = SseTestClient.slow(base, "coalesce/#");
                SseTestClient fast = SseTestClient.fast(base, "coalesce/#")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> streamClients("coalesce/#").size() == 2);
            for (int round = 1; round <= rounds; round++) {
                for (int t = 0; t < topics; t++) {
                    device.publish("coalesce/t" + t, round + ":" + padding, 1, false);
                }
                // PUBACKs come in order: this one means the round is acknowledged, which keeps the
                // client's window of unacknowledged messages small on a slow machine.
                device.publishAcknowledged("coalesce/round", String.valueOf(round));
            }
            device.publish("coalesce/done", "done", 1, false);

            // A tick's values go out in no particular order, so "done" may come before the last
            // round's values of the same tick: wait for those, not just for "done".
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(latestRound(fast, topics))
                    .as("fast reader's last value per topic").containsOnlyKeys(keys(topics))
                    .allSatisfy((topic, round) -> assertThat(round).isEqualTo(rounds)));
            assertThat(dropped(fast)).as("values dropped for the fast reader").isZero();
            assertThat(dropped(slow)).as("values dropped for the stalled reader").isPositive();

            slow.startReading();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(latestRound(slow, topics))
                    .as("stalled reader's last value per topic, once it reads").containsOnlyKeys(keys(topics))
                    .allSatisfy((topic, round) -> assertThat(round).isEqualTo(rounds)));
            await().atMost(Duration.ofSeconds(30)).until(() -> !slow.eventsOn("coalesce/done").isEmpty());
            assertThat(slow.events().size()).as("events the stalled reader got").isLessThan(fast.events().size());
        }
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("cellhub_sse_events_total{outcome=\"dropped\"}"));
    }

    /**
     * What a stalled reader holds before CellHub coalesces for it is bounded by the connection's send
     * buffer (cellhub.sse.send-buffer, 64 KiB, doubled by the kernel), Netty's write queue (64 KiB) and
     * one tick's batch (50 values of 2 KiB here), not by the kernel's autotuned maximum (4 MiB by
     * default on Linux, some 2,000 of these values).
     */
    @Test
    void aStalledReaderTakesNoMoreThanItsSendBufferBeforeItsValuesAreCoalesced() {
        String padding = "x".repeat(2048);
        try (SseTestClient stalled = SseTestClient.slow(base, "bounded/#")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> streamClients("bounded/#").size() == 1);
            int round = 0;
            while (count(stalled, "bounded/#", "dropped") == 0) {
                assertThat(round).as("rounds published before CellHub coalesced for the stalled reader").isLessThan(400);
                round++;
                for (int t = 0; t < 50; t++) {
                    device.publish("bounded/t" + t, round + ":" + padding, 0, false);
                }
                device.publishAcknowledged("bounded/round", String.valueOf(round));
                sleep(100); // one stream tick: each round is a batch of its own
            }
            long written = count(stalled, "bounded/#", "sent");
            assertThat(written * 2048).as("bytes CellHub wrote to the stalled reader before coalescing").isLessThan(640L << 10);
        }
    }

    @Test
    void clientsListShowsEachConnectionWithItsFilter() {
        try (SseTestClient client = SseTestClient.fast(base, "listed/+/x")) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().when().get("/api/stream/clients")
                    .then().statusCode(200).body("findAll { it.filter == 'listed/+/x' }.size()", equalTo(1)));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().when().get("/api/stream/clients")
                .then().statusCode(200).body("findAll { it.filter == 'listed/+/x' }.size()", equalTo(0)));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<Map<String, Object>> streamClients(String filter) {
        List<Map<String, Object>> all = given().when().get("/api/stream/clients").then().statusCode(200)
                .extract().jsonPath().getList("$");
        return all.stream().filter(c -> filter.equals(c.get("filter"))).toList();
    }

    private static long dropped(SseTestClient client) {
        return count(client, "coalesce/#", "dropped");
    }

    /** One of the counts {@code /api/stream/clients} lists for a client ({@code sent}, {@code dropped}). */
    private static long count(SseTestClient client, String filter, String name) {
        return streamClients(filter).stream()
                .filter(c -> String.valueOf(c.get("remote")).endsWith(":" + client.localPort()))
                .mapToLong(c -> ((Number) c.get(name)).longValue())
                .findFirst().orElseThrow(() -> new AssertionError("client on port " + client.localPort() + " not listed"));
    }

    private static Map<String, Integer> latestRound(SseTestClient client, int topics) {
        Map<String, Integer> latest = new HashMap<>();
        for (JsonNode event : client.events()) {
            String topic = event.get("topic").asText();
            if (topic.startsWith("coalesce/t")) {
                String payload = event.get("payload").asText();
                latest.put(topic, Integer.parseInt(payload.substring(0, payload.indexOf(':'))));
            }
        }
        return latest;
    }

    private static String[] keys(int topics) {
        String[] keys = new String[topics];
        for (int t = 0; t < topics; t++) {
            keys[t] = "coalesce/t" + t;
        }
        return keys;
    }
}
