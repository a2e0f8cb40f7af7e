package io.cellhub.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.MqttTestClient.Outgoing;
import io.cellhub.support.NotebookExercises;
import io.cellhub.support.PrometheusText;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;

/**
 * 10,000 malformed inputs through the embedded broker, interleaved: non-numbers to the averages,
 * non-booleans to the cylinder chain, broken JSON, deep topic trees, topics over the length limit,
 * payloads over the size limit up to the broker's own limit and beyond it. Nothing crashes, each kind
 * is counted where it belongs, and CellHub still ingests and computes afterwards.
 */
@QuarkusTest
class MalformedInputTest {

    private enum Kind {
        NON_NUMBER_TO_AVERAGE(3000),
        NON_BOOLEAN_TO_CHAIN(2500),
        BROKEN_JSON(1887),
        DEEP_TOPIC(1500),
        TOPIC_TOO_LONG(1000),
        PAYLOAD_OVER_LIMIT(100),
        PAYLOAD_AT_LIMIT(10),
        OVER_BROKER_MAX_MESSAGE_SIZE(3);

        final int count;

        Kind(int count) {
            this.count = count;
        }
    }

    private static final List<Buffer> NON_NUMBERS = List.of(text(""), text(" "), text("abc"), text("NaN"), text("Infinity"),
            text("-Infinity"), text("0x1F"), text("1,5"), text("12..3"), text("--1"), text("1e"), text("1d"), text("٣"),
            text("true"), text("null"), text("[1]"), text("{\"a\": 1, \"b\": 2}"), text("{\"temperatur\": \"3\"}"),
            text("1e400"), text("9".repeat(100)), bytes(0xff, 0xfe, 0x00, 0x80), text("{\"temperatur\": 3,"),
            text("{\"temperatur\": }"), text("[".repeat(5000)),
            text("{\"a\":" + "[".repeat(3000) + "1" + "]".repeat(3000) + "}"),
            text("{\"temperatur\": " + "9".repeat(2000) + "}"));
    private static final List<Buffer> NON_BOOLEANS = List.of(text(""), text("yes"), text("no"), text("TRUE!"), text("Truee"),
            text("2"), text("-1"), text("null"), text("{\"on\": true}"), text("[true]"), text("T"), text("F"), text("of"),
            text("onn"), text("1.0"), text("0.0"), text("Tru e"), text("ON/OFF"), bytes(0xff, 0x00), text("True".repeat(1000)));
    private static final List<Buffer> BROKEN_JSON = List.of(text("{\"joint0\": 10,"), text("{\"joint0\": }"), text("{{{{"),
            text("]"), text("{\"joint0\": 1e999}"), text("[".repeat(3000)), text("{\"a\":\"\\ud800\"}"),
            Buffer.buffer("{\"joint0\": \"").appendBytes(new byte[] { (byte) 0xc3, (byte) 0x28 }).appendString("\"}"),
            text("{\"joint0\": " + "9".repeat(5000) + "}"), text("{\"joint0\": 1, \"joint0\": 2}"), text("{\"joint0\": NaN}"),
            text("{'joint0': 1}"), text("{\"joint0\": 1}}"), text("{\"joint0\": [1, 2, {\"x\": }]}"));
    private static final String[] CHAIN = { "systemcomponent1/cylinderOn", "systemcomponent2/cylinderOn",
            "systemcomponent3/cylinderOn" };

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    @ConfigProperty(name = "cellhub.ingest.max-payload-bytes")
    int maxPayloadBytes;

    @ConfigProperty(name = "cellhub.ingest.max-topic-length")
    int maxTopicLength;

    @ConfigProperty(name = "cellhub.broker.max-message-size")
    int maxMessageSize;

    @BeforeEach
    void ready() {
        NotebookExercises.awaitReady();
    }

    @Test
    void tenThousandMalformedInputsCrashNothingAndEachKindIsCounted() throws Exception {
        Map<Kind, List<Outgoing>> inputs = inputs();
        assertThat(inputs.values().stream().mapToInt(List::size).sum()).isEqualTo(10_000);
        List<Outgoing> stream = new ArrayList<>();
        inputs.forEach((kind, messages) -> {
            if (kind != Kind.OVER_BROKER_MAX_MESSAGE_SIZE) {
                stream.addAll(messages);
            }
        });
        Collections.shuffle(stream, new Random(6));
        int ingestible = Kind.NON_NUMBER_TO_AVERAGE.count + Kind.NON_BOOLEAN_TO_CHAIN.count + Kind.BROKEN_JSON.count
                + Kind.DEEP_TOPIC.count + Kind.PAYLOAD_AT_LIMIT.count;

        Figures before = Figures.now();
        long start = System.nanoTime();
        try (MqttTestClient device = MqttTestClient.connect(brokerPort, "malformed-device")) {
            device.publishAllAcknowledged(stream, 20);
            for (Outgoing tooBig : inputs.get(Kind.OVER_BROKER_MAX_MESSAGE_SIZE)) {
                // The broker refuses these by closing the connection, so each comes on its own.
                try (MqttTestClient sender = MqttTestClient.connect(brokerPort, "too-big-sender")) {
                    sender.publish(tooBig.topic(), tooBig.payload(), 0, false);
                    await().atMost(Duration.ofSeconds(10)).until(() -> !sender.isConnected());
                }
            }
            long published = System.nanoTime();

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                Figures now = Figures.now();
                assertThat(now.payloadTooLarge - before.payloadTooLarge).isEqualTo(Kind.PAYLOAD_OVER_LIMIT.count);
                assertThat(now.topicTooLong - before.topicTooLong).isEqualTo(Kind.TOPIC_TOO_LONG.count);
                assertThat(now.averageIgnored - before.averageIgnored).isEqualTo(Kind.NON_NUMBER_TO_AVERAGE.count);
                assertThat(now.chainIgnored - before.chainIgnored).isEqualTo(Kind.NON_BOOLEAN_TO_CHAIN.count);
                assertThat(now.received - before.received).isGreaterThanOrEqualTo(ingestible);
            });
            long counted = System.nanoTime();
            Figures after = Figures.now();
            assertThat(device.isConnected()).as("the device that sent all this is still connected").isTrue();

            // Nothing crashed: alive, ready, ingesting, computing.
            given().get("/q/health/live").then().statusCode(200);
            given().get("/q/health/ready").then().statusCode(200);
            try (MqttTestClient cell = MqttTestClient.connect(brokerPort, "malformed-after")) {
                cell.publish("malafter/temperature1", "20", 1, false);
                cell.publish("malafter/temperature2", "30", 1, false);
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/api/topics/malafter/avgtemperature")
                    .then().statusCode(200).body("payload", equalTo("25")));
            NotebookExercises.cylinders(brokerPort);
            for (String page : List.of("/", "/topics", "/rules", "/retained")) {
                given().get(page).then().statusCode(200);
            }

            // Deep topics are ordinary topics; over-long ones and oversized payloads are nowhere.
            List<String> deep = given().queryParam("filter", "deep/#").get("/api/topics").jsonPath().getList("topic");
            assertThat(deep).hasSize(500).allMatch(t -> t.getBytes(StandardCharsets.UTF_8).length <= maxTopicLength);
            assertThat(given().queryParam("filter", "deep/#").get("/api/topics").jsonPath().getList("count", Integer.class))
                    .containsOnly(3);
            assertThat(given().queryParam("filter", "long/#").get("/api/topics").jsonPath().getList("topic")).isEmpty();
            assertThat(given().queryParam("filter", "big/#").get("/api/topics").jsonPath().getList("topic")).isEmpty();
            assertThat(given().queryParam("filter", "toobroker/#").get("/api/topics").jsonPath().getList("topic")).isEmpty();
            assertThat(given().queryParam("filter", "atlimit/#").get("/api/topics").jsonPath().getList("topic")).hasSize(10);

            System.out.printf("MalformedInputTest: %,d inputs in %.1f s, all counted %.1f s later%n", 10_000,
                    (published - start) / 1e9, (counted - published) / 1e9);
            inputs.forEach((kind, messages) -> System.out.printf("  %-30s %,6d%n", kind, messages.size()));
            System.out.printf("  rejected{ingest-payload-too-large} +%,.0f, rejected{topic-too-long} +%,.0f, "
                    + "rule temperature ignored +%,.0f, rule cylinders ignored +%,.0f, received +%,.0f, topics +%,.0f, "
                    + "refused by the broker (sender disconnected) %d%n",
                    after.payloadTooLarge - before.payloadTooLarge, after.topicTooLong - before.topicTooLong,
                    after.averageIgnored - before.averageIgnored, after.chainIgnored - before.chainIgnored,
                    after.received - before.received, after.topics - before.topics, Kind.OVER_BROKER_MAX_MESSAGE_SIZE.count);
        }
    }

    private Map<Kind, List<Outgoing>> inputs() {
        Map<Kind, List<Outgoing>> inputs = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            List<Outgoing> messages = new ArrayList<>(kind.count);
            for (int i = 0; i < kind.count; i++) {
                messages.add(input(kind, i));
            }
            inputs.put(kind, messages);
        }
        return inputs;
    }

    private Outgoing input(Kind kind, int i) {
        return switch (kind) {
            case NON_NUMBER_TO_AVERAGE -> new Outgoing("mal" + i % 50 + "/temperature" + (1 + i % 2),
                    NON_NUMBERS.get(i % NON_NUMBERS.size()));
            case NON_BOOLEAN_TO_CHAIN -> new Outgoing(CHAIN[i % CHAIN.length], NON_BOOLEANS.get(i % NON_BOOLEANS.size()));
            case BROKEN_JSON -> new Outgoing("mal" + i % 50 + (i % 2 == 0 ? "/joints" : "/config"),
                    BROKEN_JSON.get(i % BROKEN_JSON.size()));
            case DEEP_TOPIC -> new Outgoing(deepTopic(i % 500), text(String.valueOf(i / 500)));
            case TOPIC_TOO_LONG -> new Outgoing(longTopic(i), text("1"));
            case PAYLOAD_OVER_LIMIT -> {
                String topic = "big/" + i;
                // the first 80 just over CellHub's limit; the rest as large as the broker lets through
                int size = i < 80 ? maxPayloadBytes + 1 : maxMessageSize - 4 - topic.length();
                yield new Outgoing(topic, Buffer.buffer(new byte[size]));
            }
            case PAYLOAD_AT_LIMIT -> new Outgoing("atlimit/" + i, Buffer.buffer("7".repeat(maxPayloadBytes)));
            case OVER_BROKER_MAX_MESSAGE_SIZE -> new Outgoing("toobroker/" + i, Buffer.buffer(new byte[maxMessageSize]));
        };
    }

    /** 100 to 249 levels, half of them empty; every 50th exactly at the length limit. */
    private String deepTopic(int j) {
        StringBuilder topic = new StringBuilder("deep/").append(j);
        if (j % 50 == 0) {
            while (topic.length() + 2 <= maxTopicLength) {
                topic.append("/z");
            }
            while (topic.length() < maxTopicLength) {
                topic.append('z');
            }
            return topic.toString();
        }
        topic.append((j % 2 == 0 ? "/x" : "/").repeat(100 + j % 150));
        return topic.toString();
    }

    private String longTopic(int i) {
        return switch (i % 4) {
            case 0 -> "long/" + "a".repeat(maxTopicLength - 4);
            case 1 -> "long/" + "ü".repeat(maxTopicLength / 2);
            case 2 -> "long/" + "b/".repeat(5_000);
            default -> i < 80 ? "long/" + "c".repeat(60_000) : "long/" + "d".repeat(2 * maxTopicLength);
        };
    }

    private static Buffer text(String text) {
        return Buffer.buffer(text);
    }

    private static Buffer bytes(int... values) {
        Buffer buffer = Buffer.buffer();
        for (int value : values) {
            buffer.appendByte((byte) value);
        }
        return buffer;
    }

    private record Figures(double payloadTooLarge, double topicTooLong, double averageIgnored, double chainIgnored,
            double received, double topics) {

        static Figures now() {
            String metrics = given().get("/q/metrics").asString();
            return new Figures(
                    PrometheusText.value(metrics, "cellhub_messages_rejected_total", "reason", "ingest-payload-too-large"),
                    PrometheusText.value(metrics, "cellhub_messages_rejected_total", "reason", "topic-too-long"),
                    PrometheusText.value(metrics, "cellhub_rule_messages_total", "rule", "temperature", "outcome", "ignored"),
                    PrometheusText.value(metrics, "cellhub_rule_messages_total", "rule", "cylinders", "outcome", "ignored"),
                    PrometheusText.value(metrics, "cellhub_messages_received_total"),
                    PrometheusText.value(metrics, "cellhub_topics"));
        }
    }
}
