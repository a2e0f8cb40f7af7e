package io.cellhub.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.cellhub.support.EmbeddedPartsResource;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.PrometheusText;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicMessage;
import io.restassured.RestAssured;
import io.quarkus.test.junit.QuarkusTest;

/** What the embedded broker carries for devices, and the Moquette 0.17 faults CellHub works around. */
@QuarkusTest
class EmbeddedBrokerTest {

    @ConfigProperty(name = EmbeddedPartsResource.BROKER_PORT)
    int brokerPort;

    @Inject
    RetainedScanner scanner;

    @Test
    void carriesQos0And1And2() {
        try (MqttTestClient subscriber = MqttTestClient.connect(brokerPort, "qos-sub");
                MqttTestClient publisher = MqttTestClient.connect(brokerPort, "qos-pub")) {
            subscriber.subscribe("cellq/#", 2);
            for (int qos = 0; qos <= 2; qos++) {
                publisher.publish("cellq/q" + qos, "v" + qos, qos, false);
                MqttTestClient.Received received = subscriber.next("cellq/q" + qos);
                assertThat(received.payload()).isEqualTo("v" + qos);
                assertThat(received.qos()).isEqualTo(qos);
            }
        }
    }

    /**
     * A filter of 32,000 levels would overflow the stack of the Moquette session loop that stores it,
     * and the dead loop would stall every client bound to it. It is refused (SUBACK 0x80), as Mosquitto
     * refuses filters over 200 levels; the broker never restarts and QoS 1 keeps flowing on every loop.
     */
    @Test
    void aFilterDeeperThan200LevelsIsRefusedAndEveryClientKeepsBeingServed() {
        double restartsBefore = brokerRestarts();
        try (MqttTestClient deep = MqttTestClient.connect(brokerPort, "deep-filter")) {
            assertThat(deep.subscribe("a/".repeat(31_999) + "a", 0)).isEqualTo(0x80);
            assertThat(deep.subscribe("level/".repeat(199) + "end", 1)).isEqualTo(1);
        }
        SessionLoops.assertEveryLoopServes(brokerPort, "after-deep");
        assertThat(brokerRestarts()).isEqualTo(restartsBefore);
    }

    private static double brokerRestarts() {
        return PrometheusText.value(RestAssured.get("/q/metrics").asString(), "cellhub_broker_restarts_total");
    }

    @Test
    void persistentSessionGetsQos1MessagesQueuedWhileItWasAway() throws Exception {
        MqttTestClient device = MqttTestClient.connect("127.0.0.1", brokerPort, "persistent-device", false);
        device.subscribe("cells/commands", 1);
        device.close();

        try (MqttTestClient operator = MqttTestClient.connect(brokerPort, "operator")) {
            operator.publish("cells/commands", "start", 1, false);
        }

        try (MqttTestClient back = MqttTestClient.connect("127.0.0.1", brokerPort, "persistent-device", false)) {
            assertThat(back.next("cells/commands").payload()).isEqualTo("start");
        }
    }

    @Test
    void nonRetainedPublishDoesNotReplaceTheRetainedMessage() {
        try (MqttTestClient publisher = MqttTestClient.connect(brokerPort, "notebook-pub");
                MqttTestClient watcher = MqttTestClient.connect(brokerPort, "notebook-watcher")) {
            watcher.subscribe("cellnb/temperature", 0);
            publisher.publish("cellnb/temperature", "2", 1, true);
            publisher.publish("cellnb/temperature", "75", 1, false);
            assertThat(watcher.next("cellnb/temperature").payload()).isEqualTo("2");
            assertThat(watcher.next("cellnb/temperature").payload()).isEqualTo("75");
        }
        try (MqttTestClient late = MqttTestClient.connect(brokerPort, "notebook-late")) {
            late.subscribe("cellnb/temperature", 0);
            MqttTestClient.Received received = late.next("cellnb/temperature");
            assertThat(received.payload()).isEqualTo("2");
            assertThat(received.retained()).isTrue();
        }
    }

    /**
     * The notebook's own sequence, at QoS 0: retained 2, then 75 not retained; a new subscriber gets 2.
     * Moquette 0.17 alone discards QoS 0 retained messages; Qos0RetainedKeeper keeps them.
     */
    @Test
    void retainedMessagePublishedAtQos0IsKeptForNewSubscribers() {
        try (MqttTestClient publisher = MqttTestClient.connect(brokerPort, "qos0-retain-pub");
                MqttTestClient watcher = MqttTestClient.connect(brokerPort, "qos0-retain-watcher")) {
            watcher.subscribe("cellq0/temperature", 0);
            publisher.publish("cellq0/temperature", "2", 0, true);
            publisher.publish("cellq0/temperature", "75", 0, false);
            assertThat(watcher.next("cellq0/temperature").payload()).isEqualTo("2");
            assertThat(watcher.next("cellq0/temperature").payload()).isEqualTo("75");
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(retainedOn("cellq0/temperature")).isEqualTo("2"));
    }

    /**
     * Each retained publish replaces the last, whatever its QoS, and an empty one clears it. (Moquette
     * handles QoS 0 publishes asynchronously, so publishes to one topic at different QoS levels within
     * milliseconds of each other may end on the older one; this test lets each one land.)
     */
    @Test
    void aRetainedPublishAtAnyQosReplacesTheLastAndAnEmptyOneClearsIt() throws InterruptedException {
        try (MqttTestClient publisher = MqttTestClient.connect(brokerPort, "mixed-retain-pub")) {
            publisher.publish("cellmix/a", "0", 0, true);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(retainedOn("cellmix/a")).isEqualTo("0"));
            publisher.publish("cellmix/a", "1", 1, true);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(retainedOn("cellmix/a")).isEqualTo("1"));
            publisher.publish("cellmix/a", "2", 0, true);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(retainedOn("cellmix/a")).isEqualTo("2"));
            publisher.publish("cellmix/a", "", 0, true);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(retainedOn("cellmix/a")).isNull());
        }
    }

    /**
     * The retained scan reads the embedded broker's store: no quiet period to wait out, and each
     * message with the QoS it was retained with (a scan over MQTT would report QoS 0 for all).
     */
    @Test
    void retainedScanReadsTheStoreWithTheQosEachMessageWasRetainedWith() {
        try (MqttTestClient publisher = MqttTestClient.connect(brokerPort, "store-scan-pub")) {
            publisher.publish("cellstore/a", "zero", 0, true);
            publisher.publish("cellstore/b", "one", 1, true);
            publisher.publish("cellstore/c", "not kept", 1, false);
            publisher.publish("otherstore/d", "other", 1, true);
            publisher.publishAcknowledged("otherstore/end", "all of the above handled");
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            RetainedScanner.Result result = scanner.scan(TopicFilter.parse("cellstore/#")).toCompletionStage()
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(result.source()).isEqualTo("the embedded broker's store");
            assertThat(result.retained())
                    .extracting(TopicMessage::topic, message -> message.payload().text().orElseThrow(), TopicMessage::qos,
                            TopicMessage::retained)
                    .containsExactlyInAnyOrder(tuple("cellstore/a", "zero", 0, true), tuple("cellstore/b", "one", 1, true));
        });
    }

    /** What a new QoS 0 subscriber receives as retained on this topic, or null. */
    private String retainedOn(String topic) throws InterruptedException {
        try (MqttTestClient late = MqttTestClient.connect(brokerPort, "retained-probe-" + System.nanoTime())) {
            late.subscribe(topic, 0);
            MqttTestClient.Received received = late.poll(Duration.ofSeconds(2));
            return received != null && received.retained() ? received.payload() : null;
        }
    }

    /**
     * Moquette 0.17 fault, kept as a test so that an upgrade that fixes it shows up here: a retained
     * message delivered to a new QoS 1 subscription arrives with RETAIN = 0. CellHub's retained scan
     * subscribes at QoS 0 for that reason. If this test fails, Moquette got it right.
     */
    @Test
    void moquetteClearsTheRetainFlagForQos1Subscriptions() {
        try (MqttTestClient publisher = MqttTestClient.connect(brokerPort, "fault-pub")) {
            publisher.publish("cellfault/value", "42", 1, true);
        }
        try (MqttTestClient qos1 = MqttTestClient.connect(brokerPort, "fault-sub1");
                MqttTestClient qos0 = MqttTestClient.connect(brokerPort, "fault-sub0")) {
            qos1.subscribe("cellfault/value", 1);
            qos0.subscribe("cellfault/value", 0);
            assertThat(qos1.next("cellfault/value").retained()).isFalse();
            assertThat(qos0.next("cellfault/value").retained()).isTrue();
        }
    }

    /**
     * A PUBLISH whose variable header arrives in two TCP segments must be decoded, not dropped:
     * Netty 4.1.133 rejected it with a bogus TooLongFrameException (netty#16776); CellHub pins a
     * fixed netty-codec-mqtt.
     */
    @Test
    void publishSplitAcrossTcpSegmentsIsDelivered() throws Exception {
        try (MqttTestClient subscriber = MqttTestClient.connect(brokerPort, "split-sub");
                Socket socket = new Socket("127.0.0.1", brokerPort)) {
            subscriber.subscribe("cellsplit/#", 0);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(connectPacket("raw-splitter"));
            out.flush();
            byte[] connack = in.readNBytes(4);
            assertThat(connack[0]).isEqualTo((byte) 0x20);
            assertThat(connack[3]).as("CONNACK return code").isEqualTo((byte) 0);

            byte[] publish = publishPacket("cellsplit/temperature1", "21.5");
            out.write(publish, 0, 5); // fixed header and the first byte of the topic
            out.flush();
            Thread.sleep(200);
            out.write(publish, 5, publish.length - 5);
            out.flush();

            MqttTestClient.Received received = subscriber.next("cellsplit/temperature1");
            assertThat(received.payload()).isEqualTo("21.5");
            assertThat(subscriber.poll(Duration.ofMillis(100))).isNull();
        }
    }

    /**
     * MQTT 3.1.1 lets a client send packets right after CONNECT, before the CONNACK (section 3.1.4).
     * Moquette 0.17 alone drops such a SUBSCRIBE together with the connection ("SUBSCRIBE received
     * on already closed connection"); CellHub's {@link ConnectGate} holds it, and the PUBLISH after it,
     * until the connection counts as connected.
     */
    @Test
    void subscribeAndPublishSentTogetherWithTheConnectAreServedInOrder() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", brokerPort)) {
            socket.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            ByteArrayOutputStream packets = new ByteArrayOutputStream();
            packets.writeBytes(connectPacket("raw-pipelining"));
            packets.writeBytes(subscribePacket("cellpipelined/#"));
            packets.writeBytes(publishPacket("cellpipelined/temperature1", "22.5"));
            socket.getOutputStream().write(packets.toByteArray());

            assertThat(in.readNBytes(4)).as("CONNACK, accepted").containsExactly(0x20, 2, 0, 0);
            assertThat(in.readNBytes(5)).as("SUBACK of packet 1, QoS 0 granted").containsExactly(0x90, 3, 0, 1, 0);
            assertThat(readPublishTopic(in)).as("the client's own publish, delivered to its subscription")
                    .isEqualTo("cellpipelined/temperature1");
        }
    }

    /**
     * A subscriber that stops reading for a moment loses none of a 2 MB burst of QoS 0 messages.
     * Moquette 0.17 drops every message it has to send while the connection's outbound buffer is
     * above Netty's 64 KiB high water mark; CellHub raises it ({@code cellhub.broker.write-buffer-size}).
     */
    @Test
    void aSubscriberThatPausesReadingGetsEveryMessageOfABurst() throws Exception {
        assertThat(burstToAPausedSubscriber("cellburst", 2_000)).as("burst messages the paused subscriber received")
                .isEqualTo(2_000);
    }

    /**
     * Beyond the 4 MiB buffer Moquette still drops, and CellHub says so: a warning naming the client,
     * and {@code cellhub_broker_write_buffer_full_total}.
     */
    @Test
    void aSubscriberThatFallsFurtherBehindThanItsBufferIsReported() throws Exception {
        double fullBefore = fullBuffers();
        int messages = 8_000;
        int received = burstToAPausedSubscriber("celloverflow", messages);
        assertThat(received).as("messages of an 8 MB burst the paused subscriber received").isLessThan(messages);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(fullBuffers()).isGreaterThan(fullBefore));
    }

    private static double fullBuffers() {
        return PrometheusText.value(RestAssured.get("/q/metrics").asString(), "cellhub_broker_write_buffer_full_total");
    }

    /**
     * Publishes {@code messages} QoS 0 messages of 1,000 bytes to {@code prefix/value} while a raw
     * subscriber with a small receive window does not read, then reads: how many of them it received.
     */
    private int burstToAPausedSubscriber(String prefix, int messages) throws Exception {
        String payload = "x".repeat(1_000);
        try (Socket subscriber = pausableSubscriber(prefix + "-sub", prefix + "/#");
                MqttTestClient publisher = MqttTestClient.connect(brokerPort, prefix + "-pub")) {
            DataInputStream in = new DataInputStream(subscriber.getInputStream());
            io.vertx.core.Future<Integer> last = null;
            for (int i = 0; i < messages; i++) {
                last = publisher.publishAsync(prefix + "/value", payload, 0);
            }
            MqttTestClient.awaitWritten(last);
            publisher.publishAcknowledged(prefix + "/end", "end");
            // The PUBACK says the broker took the burst in; routing it to the subscriber's session loop
            // follows on its own. Not reading for a moment longer lets the whole burst reach its buffer.
            Thread.sleep(500);

            // Read until the end marker, or, where the broker dropped that too, until nothing more comes.
            subscriber.setSoTimeout(2_000);
            int received = 0;
            try {
                while (!readPublishTopic(in).equals(prefix + "/end")) {
                    received++;
                }
            } catch (SocketTimeoutException drained) {
                // everything the broker kept has been read
            }
            return received;
        }
    }

    /**
     * A raw subscriber to {@code filter} with a 4 KiB receive window, so that a burst piles up in
     * the broker, not in this kernel. It subscribes as soon as the CONNACK is read, which Moquette 0.17
     * alone answered now and then by closing the connection ({@link ConnectGate} says why).
     */
    private Socket pausableSubscriber(String clientId, String filter) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", brokerPort));
        socket.setSoTimeout(10_000);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        out.write(connectPacket(clientId));
        assertThat(in.readNBytes(4)[3]).as("CONNACK return code").isEqualTo((byte) 0);
        out.write(subscribePacket(filter));
        byte[] subAck = in.readNBytes(5);
        assertThat(subAck).as("SUBACK").hasSize(5);
        assertThat(subAck[4]).as("SUBACK granted QoS").isEqualTo((byte) 0);
        return socket;
    }

    private static byte[] subscribePacket(String filter) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0);
        body.write(1); // packet id
        writeString(body, filter);
        body.write(0); // requested QoS
        return packet(0x82, body.toByteArray());
    }

    /** Reads packets up to the next PUBLISH and returns its topic. */
    private static String readPublishTopic(DataInputStream in) throws IOException {
        while (true) {
            int type = in.readUnsignedByte();
            int length = 0;
            for (int shift = 0;; shift += 7) {
                int digit = in.readUnsignedByte();
                length |= (digit & 0x7f) << shift;
                if ((digit & 0x80) == 0) {
                    break;
                }
            }
            byte[] body = in.readNBytes(length);
            if ((type >> 4) == 3) {
                int topicLength = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
                return new String(body, 2, topicLength, StandardCharsets.UTF_8);
            }
        }
    }

    private static byte[] connectPacket(String clientId) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(4); // protocol level 3.1.1
        body.write(0x02); // clean session
        body.write(0);
        body.write(30); // keepalive
        writeString(body, clientId);
        return packet(0x10, body.toByteArray());
    }

    private static byte[] publishPacket(String topic, String payload) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, topic);
        body.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
        return packet(0x30, body.toByteArray());
    }

    private static byte[] packet(int type, byte[] body) {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(type);
        packet.write(body.length); // bodies here are under 128 bytes
        packet.writeBytes(body);
        return packet.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xff);
        out.writeBytes(bytes);
    }
}
