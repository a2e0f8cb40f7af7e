package io.cellhub.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.cellhub.support.DeviceClient;
import io.cellhub.support.DeviceClient.Received;
import io.cellhub.support.RawMqttClient;
import io.cellhub.support.RawMqttClient.Packet;

/**
 * What every broker CellHub runs on must do for devices, asserted the same way against the embedded
 * broker ({@link EmbeddedBrokerConformanceTest}) and Debian's Mosquitto
 * ({@link io.cellhub.interop.MosquittoConformanceTest}). Each test uses topics of its own.
 */
public abstract class BrokerConformance {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The port the broker under test listens on, on 127.0.0.1. */
    protected abstract int port();

    /** Stops the broker gracefully and starts it again on the same data. */
    protected abstract void restartBroker() throws Exception;

    /**
     * Whether the broker sets DUP on a QoS 1/2 message it delivers again after the subscriber's
     * connection dropped, as MQTT 3.1.1 [MQTT-3.3.1-1] asks. Checked both ways, so a broker that
     * changes its mind fails the suite.
     */
    protected abstract boolean setsDupOnRedelivery();

    /**
     * The notebook's pattern, and that of mosquitto_pub, cron jobs and battery devices: connect,
     * publish one message, disconnect. 500 clients with distinct ids, one after the other.
     */
    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = { 0, 1, 2 })
    void shortLivedClientsThatConnectPublishAndDisconnectLoseNothing(int qos) {
        String prefix = "conf/cpd" + qos + "/";
        try (DeviceClient reader = DeviceClient.v3(port(), "cpd-reader-" + qos, true).subscribe(prefix + "#", 2)) {
            for (int i = 0; i < 500; i++) {
                DeviceClient device = DeviceClient.v3(port(), "cpd-" + qos + "-" + i, true);
                device.publish(prefix + "t", String.valueOf(i), qos, false);
                device.disconnect();
            }
            assertThat(reader.awaitCount(prefix, 500, WAIT)).as("messages of 500 short-lived clients received").isEqualTo(500);
            assertThat(payloads(reader.received(prefix))).hasSize(500);
        }
    }

    /** A device that reconnects with the same client id, 200 times, each time publishing at QoS 1. */
    @Test
    void aClientReconnectingWithItsOwnIdLosesNoQos1Message() {
        String prefix = "conf/reused/";
        try (DeviceClient reader = DeviceClient.v3(port(), "reused-reader", true).subscribe(prefix + "#", 1)) {
            for (int i = 0; i < 200; i++) {
                DeviceClient device = DeviceClient.v3(port(), "reused-device", true);
                device.publish(prefix + "t", String.valueOf(i), 1, false);
                device.disconnect();
            }
            assertThat(reader.awaitCount(prefix, 200, WAIT)).isEqualTo(200);
            assertThat(payloads(reader.received(prefix))).hasSize(200);
        }
    }

    /**
     * Small devices report by connecting, publishing and disconnecting, and come back at once with the
     * same client id. 20 such devices at the same time, 100 connections each (CONNECT, its CONNACK, then
     * one QoS 0 PUBLISH and DISCONNECT in one write, and the socket closed): none of their messages is
     * lost, and each device's arrive in the order it sent them (MQTT 3.1.1 [MQTT-4.6.0-6]: the same client
     * id is the same client). A broker must not take the session over from a connection whose last
     * packets it has not handled yet.
     * <p>
     * A CONNECT the broker closes without a CONNACK is tried again, as a device does: Artemis 2.44 to
     * 2.55 now and then fails a takeover with a NullPointerException in
     * {@code MQTTProtocolHandler.handleLinkStealing} (the old connection is still registered, its clean
     * session already removed) and closes the new connection. Nothing was sent on it, so nothing is lost;
     * the refusals are printed, and a device refused three times in a row fails the test.
     */
    @Test
    void devicesThatReconnectAtOnceWithTheirOwnIdLoseNoQos0MessageAndKeepItsOrder() throws Exception {
        String prefix = "conf/reconnect/";
        int devices = 20;
        int connections = 100;
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        try (DeviceClient reader = DeviceClient.v3(port(), "reconnect-reader", true).subscribe(prefix + "#", 0)) {
            ExecutorService pool = Executors.newFixedThreadPool(devices);
            try {
                List<Future<?>> running = IntStream.range(0, devices).<Future<?>>mapToObj(device -> pool.submit(() -> {
                    for (int i = 0; i < connections; i++) {
                        for (int attempt = 1; !connectPublishAndLeave("reconnect-" + device, prefix + device, String.valueOf(i)); attempt++) {
                            refused.incrementAndGet();
                            assertThat(attempt).as("CONNECTs of device %d refused in a row", device).isLessThan(3);
                        }
                    }
                })).toList();
                for (Future<?> device : running) {
                    device.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            int total = devices * connections;
            assertThat(reader.awaitCount(prefix, total, WAIT)).as("QoS 0 messages of devices reconnecting at once").isEqualTo(total);
            List<String> inOrder = IntStream.range(0, connections).mapToObj(String::valueOf).toList();
            List<Integer> outOfOrder = IntStream.range(0, devices).filter(device -> !payloadsInOrder(reader.received(prefix)
                    .stream().filter(message -> message.topic().equals(prefix + device)).toList()).equals(inOrder)).boxed().toList();
            assertThat(outOfOrder).as("devices whose messages arrived out of order or twice").isEmpty();
        }
        System.out.printf("devices reconnecting at once: %d of %d CONNECTs closed without a CONNACK and tried again%n",
                refused.get(), devices * connections);
    }

    /**
     * One short-lived connection: CONNECT, its CONNACK, then one QoS 0 PUBLISH and DISCONNECT in one
     * write, and the socket closed. False when the broker closed the connection instead of answering
     * the CONNECT (nothing was published).
     */
    private boolean connectPublishAndLeave(String clientId, String topic, String payload) {
        try (RawMqttClient client = RawMqttClient.open(port(), 0)) {
            client.send(RawMqttClient.connectPacket(clientId, true));
            Packet answer;
            try {
                answer = client.read();
            } catch (java.io.UncheckedIOException failed) {
                boolean closed = failed.getCause() instanceof java.io.EOFException
                        || failed.getCause() instanceof java.net.SocketException; // a reset
                if (closed) {
                    return false;
                }
                throw failed;
            }
            assertThat(answer.type()).isEqualTo(Packet.CONNACK);
            java.io.ByteArrayOutputStream packets = new java.io.ByteArrayOutputStream();
            packets.writeBytes(RawMqttClient.publishPacket(topic, payload));
            packets.writeBytes(RawMqttClient.disconnectPacket());
            client.send(packets.toByteArray());
            return true;
        }
    }

    /**
     * MQTT 3.1.1 [MQTT-4.6.0-6]: messages of one client on one topic reach a subscriber in the order the
     * client sent them, at QoS 1 and 2 also when several are in flight at once.
     */
    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = { 1, 2 })
    void aPublishersMessagesOnATopicArriveInTheOrderItSentThem(int qos) {
        String prefix = "conf/order" + qos + "/";
        try (DeviceClient reader = DeviceClient.v3(port(), "order-reader-" + qos, false).subscribe(prefix + "#", qos);
                DeviceClient device = DeviceClient.v3(port(), "order-device-" + qos, true)) {
            for (int topic = 0; topic < 300; topic++) {
                String name = prefix + topic;
                CompletableFuture.allOf(IntStream.rangeClosed(1, 3).mapToObj(i -> device.publishAsync(name, String.valueOf(i), qos, false))
                        .toArray(CompletableFuture[]::new)).join();
            }
            assertThat(reader.awaitCount(prefix, 900, WAIT)).isEqualTo(900);
            List<String> outOfOrder = IntStream.range(0, 300).mapToObj(topic -> prefix + topic)
                    .filter(name -> !payloadsInOrder(reader.received(prefix).stream()
                            .filter(message -> message.topic().equals(name)).toList()).equals(List.of("1", "2", "3")))
                    .toList();
            assertThat(outOfOrder).as("topics whose three messages arrived out of order").isEmpty();
            reader.disconnect();
        }
        DeviceClient.v3(port(), "order-reader-" + qos, true).disconnect();
    }

    private static List<String> payloadsInOrder(List<Received> messages) {
        return messages.stream().map(Received::payload).toList();
    }

    /** MQTT 4.7.2: a filter that starts with a wildcard never matches a topic that starts with '$'. */
    @Test
    void filtersStartingWithAWildcardNeverMatchDollarTopics() {
        try (DeviceClient everything = DeviceClient.v3(port(), "dollar-all", true).subscribe("#", 0).subscribe("+/+", 0);
                DeviceClient explicit = DeviceClient.v3(port(), "dollar-explicit", true).subscribe("$TopicA/B", 0);
                DeviceClient device = DeviceClient.v3(port(), "dollar-device", true)) {
            device.publish("$TopicA/B", "reserved", 1, false);
            device.publish("conf/dollar-after", "marker", 1, false);
            everything.awaitMessage("conf/dollar-after");
            explicit.awaitMessage("$TopicA/B");
            assertThat(everything.received("$")).as("'$' messages delivered to '#' or '+/+'").isEmpty();
        }
    }

    @Test
    void unsubscribeStopsDeliveryAtOnce() {
        try (DeviceClient reader = DeviceClient.v3(port(), "unsub-reader", true).subscribe("conf/unsub/#", 1)
                .subscribe("conf/unsub-marker", 1);
                DeviceClient device = DeviceClient.v3(port(), "unsub-device", true)) {
            device.publish("conf/unsub/a", "before", 1, false);
            reader.awaitMessage("conf/unsub/a");
            reader.unsubscribe("conf/unsub/#");
            device.publish("conf/unsub/a", "after", 1, false);
            device.publish("conf/unsub-marker", "marker", 1, false);
            reader.awaitMessage("conf/unsub-marker");
            assertThat(payloads(reader.received("conf/unsub/"))).containsExactly("before");
        }
    }

    /**
     * A persistent client that received a QoS 1 and a QoS 2 message and dropped its connection before
     * acknowledging either gets both again when it reconnects, marked DUP where the broker does.
     */
    @Test
    void messagesInFlightWhenAPersistentClientDropsAreRedeliveredWithDup() {
        try (RawMqttClient first = RawMqttClient.open(port(), 0).connect("dup-reader", false)) {
            first.subscribe("conf/dup/q1", 1);
            first.subscribe("conf/dup/q2", 2);
            try (DeviceClient device = DeviceClient.v3(port(), "dup-device", true)) {
                device.publish("conf/dup/q1", "one", 1, false);
                device.publish("conf/dup/q2", "two", 2, false);
            }
            Set<String> unacknowledged = Set.of(first.nextPublish().topic(), first.nextPublish().topic());
            assertThat(unacknowledged).containsExactlyInAnyOrder("conf/dup/q1", "conf/dup/q2");
        }
        try (RawMqttClient again = RawMqttClient.open(port(), 0).connect("dup-reader", false)) {
            Packet a = again.nextPublish();
            Packet b = again.nextPublish();
            assertThat(List.of(a, b)).extracting(Packet::topic, Packet::qos, Packet::dup)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("conf/dup/q1", 1, setsDupOnRedelivery()),
                            org.assertj.core.groups.Tuple.tuple("conf/dup/q2", 2, setsDupOnRedelivery()));
            again.acknowledge(a);
            again.acknowledge(b);
        }
        // Leave no session behind for the next run on the same broker.
        RawMqttClient.open(port(), 0).connect("dup-reader", true).close();
    }

    /**
     * MQTT 3.1.1 §3.1.4 lets a client send packets right after CONNECT, before the CONNACK. The broker
     * may deliver the PUBLISH before the SUBACK (§3.8.4), but its first packet is the CONNACK
     * (§3.2.0-1). Fifty connections, since a broker that gets the order wrong does so now and then
     * (Artemis 2.44 without {@link PacketOrder}: 263 of 2,000).
     */
    @Test
    void subscribeAndPublishSentInTheSameWriteAsTheConnectAreServed() {
        for (int connection = 0; connection < 50; connection++) {
            try (RawMqttClient client = RawMqttClient.open(port(), 0)) {
                java.io.ByteArrayOutputStream packets = new java.io.ByteArrayOutputStream();
                packets.writeBytes(RawMqttClient.connectPacket("pipelining", true));
                packets.writeBytes(RawMqttClient.subscribePacket(1, "conf/pipelined/#", 0));
                packets.writeBytes(RawMqttClient.publishPacket("conf/pipelined/t", "22.5"));
                client.send(packets.toByteArray());
                assertThat(client.read().type()).as("CONNACK, in connection %d", connection).isEqualTo(Packet.CONNACK);
                List<Packet> next = List.of(client.read(), client.read());
                assertThat(next).extracting(Packet::type).as("SUBACK and the client's own PUBLISH")
                        .containsExactlyInAnyOrder(Packet.SUBACK, Packet.PUBLISH);
                Packet own = next.stream().filter(packet -> packet.type() == Packet.PUBLISH).findFirst().orElseThrow();
                assertThat(own.topic()).isEqualTo("conf/pipelined/t");
                assertThat(own.payload()).isEqualTo("22.5");
            }
        }
    }

    /** A PUBLISH whose variable header arrives in two TCP segments is decoded, not refused (netty#16776). */
    @Test
    void aPublishSplitAcrossTcpSegmentsIsDelivered() throws InterruptedException {
        try (DeviceClient reader = DeviceClient.v3(port(), "split-reader", true).subscribe("conf/split/#", 0);
                RawMqttClient client = RawMqttClient.open(port(), 0).connect("split-writer", true)) {
            byte[] publish = RawMqttClient.publishPacket("conf/split/temperature1", "21.5");
            client.send(java.util.Arrays.copyOfRange(publish, 0, 5));
            Thread.sleep(200);
            client.send(java.util.Arrays.copyOfRange(publish, 5, publish.length));
            assertThat(reader.awaitMessage("conf/split/temperature1").payload()).isEqualTo("21.5");
        }
    }

    /**
     * A retained message reaches a new subscriber with RETAIN set and the lower of its own QoS and the
     * subscription's, for every pair; a zero-length retained publish clears it.
     */
    @ParameterizedTest(name = "published at QoS {0}, subscribed at QoS {1}")
    @CsvSource({ "0,0", "0,1", "0,2", "1,0", "1,1", "1,2", "2,0", "2,1", "2,2" })
    void retainedMessagesReachNewSubscribersFlaggedAndAtTheirQos(int published, int subscribed) {
        String topic = "conf/retained/p" + published + "s" + subscribed;
        try (DeviceClient device = DeviceClient.v3(port(), "retain-device", true)) {
            device.publish(topic, "kept", published, true);
            // A QoS 0 publish returns once written; the acknowledged one after it says the broker has both.
            device.publish("conf/retained/sync", "s", 1, false);
            try (DeviceClient late = DeviceClient.v3(port(), "retain-late", true).subscribe(topic, subscribed)) {
                Received received = late.awaitMessage(topic);
                assertThat(received.retain()).as("RETAIN flag").isTrue();
                assertThat(received.qos()).isEqualTo(Math.min(published, subscribed));
                assertThat(received.payload()).isEqualTo("kept");
            }
            device.publish(topic, "", 1, true);
            device.publish("conf/retained/marker", "m", 1, true);
            try (DeviceClient later = DeviceClient.v3(port(), "retain-later", true).subscribe("conf/retained/marker", 1)
                    .subscribe(topic, subscribed)) {
                later.awaitMessage("conf/retained/marker");
                assertThat(later.received(topic)).as("the cleared retained message").isEmpty();
            }
        }
    }

    @Test
    void queuedQos1MessagesOfAPersistentSessionSurviveABrokerRestart() throws Exception {
        String prefix = "conf/persist/";
        DeviceClient.v3(port(), "persist-reader", false).subscribe(prefix + "#", 1).disconnect();
        try (DeviceClient device = DeviceClient.v3(port(), "persist-device", true)) {
            CompletableFuture.allOf(IntStream.range(0, 1_000)
                    .mapToObj(i -> device.publishAsync(prefix + "t", String.valueOf(i), 1, false))
                    .toArray(CompletableFuture[]::new)).join();
        }
        restartBroker();
        try (DeviceClient reader = DeviceClient.v3(port(), "persist-reader", false)) {
            assertThat(reader.awaitCount(prefix, 1_000, WAIT)).as("queued messages delivered after the restart")
                    .isEqualTo(1_000);
            assertThat(payloads(reader.received(prefix))).hasSize(1_000);
            reader.disconnect();
        }
        DeviceClient.v3(port(), "persist-reader", true).disconnect();
    }

    @Test
    void qos2MessagesAreDeliveredExactlyOnce() {
        String prefix = "conf/qos2/";
        try (DeviceClient reader = DeviceClient.v3(port(), "qos2-reader", true).subscribe(prefix + "#", 2)
                .subscribe("conf/qos2-marker", 2);
                DeviceClient device = DeviceClient.v3(port(), "qos2-device", true)) {
            CompletableFuture.allOf(IntStream.range(0, 1_000)
                    .mapToObj(i -> device.publishAsync(prefix + "t", String.valueOf(i), 2, false))
                    .toArray(CompletableFuture[]::new)).join();
            assertThat(reader.awaitCount(prefix, 1_000, WAIT)).isEqualTo(1_000);
            device.publish("conf/qos2-marker", "m", 2, false);
            reader.awaitMessage("conf/qos2-marker");
            assertThat(reader.received(prefix)).as("deliveries, duplicates included").hasSize(1_000);
            assertThat(payloads(reader.received(prefix))).hasSize(1_000);
        }
    }

    /** MQTT 5 shared subscriptions: each message goes to exactly one member of the group. */
    @Test
    void anMqtt5SharedSubscriptionGivesEachMessageToExactlyOneMember() {
        sharedSubscriptionSplits(DeviceClient.v5(port(), "share5-a"), DeviceClient.v5(port(), "share5-b"), "conf/share5/");
    }

    /** The same {@code $share/group/filter} from MQTT 3.1.1 clients, as Mosquitto and Artemis offer it. */
    @Test
    void anMqtt311SharedSubscriptionGivesEachMessageToExactlyOneMember() {
        sharedSubscriptionSplits(DeviceClient.v3(port(), "share3-a", true), DeviceClient.v3(port(), "share3-b", true),
                "conf/share3/");
    }

    private void sharedSubscriptionSplits(DeviceClient a, DeviceClient b, String prefix) {
        try (a; b; DeviceClient device = DeviceClient.v3(port(), "share-device-" + prefix.length(), true)) {
            a.subscribe("$share/g/" + prefix + "#", 1);
            b.subscribe("$share/g/" + prefix + "#", 1);
            for (int i = 0; i < 100; i++) {
                device.publish(prefix + "t", String.valueOf(i), 1, false);
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (a.received(prefix).size() + b.received(prefix).size() < 100 && System.nanoTime() < deadline) {
                pause();
            }
            Set<String> toA = payloads(a.received(prefix));
            Set<String> toB = payloads(b.received(prefix));
            assertThat(a.received(prefix).size() + b.received(prefix).size()).as("deliveries to the group").isEqualTo(100);
            assertThat(toA).as("messages given to both members").doesNotContainAnyElementsOf(toB);
            assertThat(toA).as("member a's share").isNotEmpty();
            assertThat(toB).as("member b's share").isNotEmpty();
        }
    }

    /** MQTT 5's Retain As Published: live retained messages keep their RETAIN flag for such subscribers only. */
    @Test
    void retainAsPublishedKeepsTheRetainFlagOfLiveMessages() {
        String topic = "conf/rap/t";
        try (DeviceClient asPublished = DeviceClient.v5(port(), "rap-yes").subscribe(topic, 1, true);
                DeviceClient plain = DeviceClient.v5(port(), "rap-no").subscribe(topic, 1, false);
                DeviceClient device = DeviceClient.v5(port(), "rap-device")) {
            device.publish(topic, "live", 1, true);
            assertThat(asPublished.awaitMessage(topic).retain()).as("with Retain As Published").isTrue();
            assertThat(plain.awaitMessage(topic).retain()).as("without").isFalse();
            device.publish(topic, "", 1, true);
        }
    }

    @Test
    void aReaderGetsEveryMessageOfA50000MessageQos0Burst() {
        String prefix = "conf/burst/";
        try (DeviceClient reader = DeviceClient.v3(port(), "burst-reader", true).subscribe(prefix + "#", 0);
                DeviceClient device = DeviceClient.v3(port(), "burst-device", true)) {
            CompletableFuture<?> last = null;
            for (int i = 0; i < 50_000; i++) {
                last = device.publishAsync(prefix + "t", String.valueOf(i), 0, false);
            }
            DeviceClient.await(last);
            assertThat(reader.awaitCount(prefix, 50_000, Duration.ofSeconds(60))).as("burst messages received")
                    .isEqualTo(50_000);
        }
    }

    /** A reader that stops reading for 5 s in the middle of a QoS 1 burst gets every message once it reads again. */
    @Test
    void aReaderThatStopsReadingDuringAQos1BurstGetsEveryMessageAfterwards() throws InterruptedException {
        String prefix = "conf/paused/";
        int messages = 5_000;
        String payload = "x".repeat(1_000);
        try (RawMqttClient reader = RawMqttClient.open(port(), 4096).connect("paused-reader", true)) {
            reader.subscribe(prefix + "#", 1);
            try (DeviceClient device = DeviceClient.v3(port(), "paused-device", true)) {
                List<CompletableFuture<?>> sent = IntStream.range(0, messages)
                        .mapToObj(i -> device.publishAsync(prefix + i, payload, 1, false)).collect(Collectors.toList());
                Thread.sleep(5_000);
                Set<String> topics = new HashSet<>();
                reader.setReadTimeout(Duration.ofSeconds(30));
                while (topics.size() < messages) {
                    Packet publish = reader.nextPublish();
                    reader.acknowledge(publish);
                    topics.add(publish.topic());
                }
                assertThat(topics).hasSize(messages);
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Set<String> payloads(List<Received> messages) {
        return messages.stream().map(Received::payload).collect(Collectors.toSet());
    }
}
