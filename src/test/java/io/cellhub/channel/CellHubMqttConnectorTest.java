package io.cellhub.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.cellhub.support.DeviceClient;
import io.cellhub.support.FreePort;
import io.cellhub.support.Mosquitto;
import io.cellhub.support.Mqtt311OnlyBroker;
import io.cellhub.support.MqttTestClient;
import io.cellhub.topic.MessageProperties;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;

/** The {@code cellhub-mqtt} connector's connections, sink and source against Debian's Mosquitto. */
class CellHubMqttConnectorTest {

    private Mosquitto mosquitto;
    private final List<BrokerConnection> connections = new ArrayList<>();

    @BeforeEach
    void startBroker() {
        mosquitto = new Mosquitto(FreePort.find()).configure("max_queued_messages 0").start();
    }

    @AfterEach
    void stop() {
        connections.forEach(BrokerConnection::close);
        mosquitto.close();
    }

    @Test
    void sinkKeepsManyQos1MessagesInFlightInOrderAndAcksEachAfterItsPubAck() throws Exception {
        int count = 5_000;
        try (MqttTestClient reader = MqttTestClient.connect(mosquitto.port(), "reader")) {
            reader.subscribe("out/#", 1);
            PipelinedMqttSink sink = sink("sink-order", 100);
            AtomicInteger acked = new AtomicInteger();
            AtomicInteger nacked = new AtomicInteger();
            List<Message<?>> messages = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] payload = String.valueOf(i).getBytes(StandardCharsets.UTF_8);
                messages.add(Message.of(payload, Metadata.of(new OutboundPublish("out/seq", payload, 1, false)), () -> {
                    acked.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                }, failure -> {
                    nacked.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                }));
            }
            subscribe(sink, Multi.createFrom().iterable(messages));

            await().atMost(Duration.ofSeconds(60)).until(() -> acked.get() + nacked.get() == count);
            assertThat(nacked).hasValue(0);
            List<String> payloads = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                payloads.add(reader.next("out/seq").payload());
            }
            assertThat(payloads).as("every message, in the order sent").isEqualTo(
                    IntStream.range(0, count).mapToObj(String::valueOf).toList());
        }
    }

    @Test
    void aMessageIsAckedOnceTheBrokerTookItAndNackedOnceTheBrokerIsGone() {
        UnicastProcessor<Message<?>> source = UnicastProcessor.create();
        subscribe(sink("sink-outage", 10), source);
        CompletableFuture<Void> first = new CompletableFuture<>();
        source.onNext(qos1("out/first", first));
        await().atMost(Duration.ofSeconds(10)).until(first::isDone);
        assertThat(first).as("acknowledged by the broker").isCompleted();

        mosquitto.close();
        CompletableFuture<Void> second = new CompletableFuture<>();
        source.onNext(qos1("out/second", second));
        await().atMost(Duration.ofSeconds(20)).until(second::isDone);
        assertThat(second).as("without a broker the message is nacked, never acked").isCompletedExceptionally();
    }

    private static Message<byte[]> qos1(String topic, CompletableFuture<Void> outcome) {
        byte[] payload = "x".getBytes(StandardCharsets.UTF_8);
        return Message.of(payload, Metadata.of(new OutboundPublish(topic, payload, 1, false)), () -> {
            outcome.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            outcome.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        });
    }

    @Test
    void sourceDropsAndCountsWhatArrivesWithoutDemandAndKeepsTheStreamAlive() throws Exception {
        BrokerConnection connection = connection(settings(mosquitto.port()), "source-demand");
        IncomingMqttStream stream = new IncomingMqttStream("in", connection, List.of(BrokerConnection.Subscription.plain("in/#", 0)),
                connected -> {
                });
        ConcurrentLinkedQueue<Message<byte[]>> received = new ConcurrentLinkedQueue<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        AtomicReference<Flow.Subscription> subscription = consume(stream, 10, received::add, error);
        connection.start().get();
        Thread.sleep(300); // the SUBSCRIBE goes out right after CONNACK
        try (MqttTestClient writer = MqttTestClient.connect(mosquitto.port(), "writer")) {
            for (int i = 0; i < 100; i++) {
                writer.publishAcknowledged("in/n", "" + i);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() + stream.dropped() == 100);
            assertThat(received).hasSize(10);
            assertThat(stream.dropped()).isEqualTo(90);

            subscription.get().request(1);
            writer.publishAcknowledged("in/after", "again");
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 11);
            assertThat(new String(received.stream().reduce((a, b) -> b).orElseThrow().getPayload())).isEqualTo("again");
            assertThat(error.get()).isNull();
        }
    }

    /**
     * A source on several filters (the ingest's {@code cellhub.ingest.filter} with a comma) subscribes to
     * each: what any of them matches arrives, and the broker sends nothing else, such as the averages
     * CellHub publishes itself.
     */
    @Test
    void aSourceOnSeveralFiltersReceivesWhatAnyOfThemMatchesAndNothingElse() throws Exception {
        BrokerConnection connection = connection(settings(mosquitto.port()), "source-filters");
        IncomingMqttStream stream = new IncomingMqttStream("in", connection,
                List.of(BrokerConnection.Subscription.plain("+/temperature1", 1), BrokerConnection.Subscription.plain("+/temperature2", 1)),
                connected -> {
                });
        List<String> received = new CopyOnWriteArrayList<>();
        consume(stream, Long.MAX_VALUE, item -> {
            item.getMetadata(ReceivedPublish.class).ifPresent(publish -> received.add(publish.topic()));
            item.ack();
        }, new AtomicReference<>());
        connection.start().get();
        Thread.sleep(300); // the SUBSCRIBEs go out right after CONNACK
        try (MqttTestClient writer = MqttTestClient.connect(mosquitto.port(), "writer")) {
            writer.publishAcknowledged("cell1/temperature1", "20");
            writer.publishAcknowledged("cell1/avgtemperature", "21");
            writer.publishAcknowledged("cell1/temperature2", "22");
            writer.publishAcknowledged("cell1/pressure", "1");
            writer.publishAcknowledged("cell2/temperature1", "23");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= 3);
        Thread.sleep(300); // anything else the broker sent would be here by now
        assertThat(received).containsExactly("cell1/temperature1", "cell1/temperature2", "cell2/temperature1");
    }

    /**
     * QoS 1 messages beyond the subscriber's demand wait for it instead of being dropped: dropped, they
     * would stay unacknowledged, and the client, which acknowledges in arrival order, would then hold
     * back every later PUBACK. Proved by a reconnect with the same session, which brings nothing again.
     */
    @Test
    void qos1MessagesBeyondTheDemandWaitForItInOrderAndEveryOneIsAcknowledged() throws Exception {
        BrokerConnection.Options persistent = new BrokerConnection.Options("source-waits", true, Duration.ofHours(1), 0,
                Optional.empty(), true);
        BrokerConnection connection = new BrokerConnection(settings(mosquitto.port()), persistent);
        connections.add(connection);
        IncomingMqttStream stream = new IncomingMqttStream("in", connection, List.of(BrokerConnection.Subscription.plain("in/#", 1)),
                connected -> {
                });
        List<String> received = new CopyOnWriteArrayList<>();
        AtomicReference<Flow.Subscription> subscription = consume(stream, 10, item -> {
            received.add(new String(item.getPayload(), StandardCharsets.UTF_8));
            item.ack();
        }, new AtomicReference<>());
        connection.start().get();
        Thread.sleep(300); // the SUBSCRIBE goes out right after CONNACK
        List<String> sent = new ArrayList<>();
        try (MqttTestClient writer = MqttTestClient.connect(mosquitto.port(), "writer")) {
            for (int i = 0; i < 100; i++) {
                writer.publishAcknowledged("in/n", "" + i);
                sent.add("" + i);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 10 && stream.waiting() == 90);
        assertThat(stream.dropped()).isZero();

        subscription.get().request(Long.MAX_VALUE);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 100);
        assertThat(received).containsExactlyElementsOf(sent);

        Thread.sleep(500); // the last PUBACKs on their way
        connection.close();
        BrokerConnection again = new BrokerConnection(settings(mosquitto.port()), persistent);
        connections.add(again);
        List<String> redelivered = new CopyOnWriteArrayList<>();
        again.onMessage(publish -> {
            redelivered.add(new String(publish.payload(), StandardCharsets.UTF_8));
            publish.acknowledge();
        });
        again.start().get();
        Thread.sleep(1_000);
        assertThat(redelivered).as("messages the broker sent again: their PUBACKs never went out").isEmpty();
    }

    /**
     * Under MQTT 5 a kept session takes the subscriptions configured now: a filter added to the list, and
     * the QoS of one it had. The ingest's subscriptions ask for no retained messages (the retained scan
     * reads them), and the broker sends none for either.
     */
    @Test
    void aKeptMqtt5SessionTakesTheFiltersAndQosConfiguredNowWithoutItsRetainedMessages() throws Exception {
        MqttSettings settings = settings(mosquitto.port());
        BrokerConnection.Options persistent = persistent("kept-5");
        beginSession(settings, persistent, new BrokerConnection.Subscription("a/#", 0, true, false));
        try (MqttTestClient writer = MqttTestClient.connect(mosquitto.port(), "writer")) {
            writer.publish("a/kept", "retained", 1, true);
            writer.publish("b/kept", "retained", 1, true);
            ConcurrentLinkedQueue<ReceivedPublish> received = resumeSession(settings, persistent, 5,
                    new BrokerConnection.Subscription("a/#", 1, true, false), new BrokerConnection.Subscription("b/#", 1, true, false));
            writer.publishAcknowledged("a/live", "1");
            writer.publishAcknowledged("b/live", "2");
            assertThat(topics(received, 2)).containsExactlyInAnyOrder("a/live", "b/live");
            assertThat(received).extracting(ReceivedPublish::qos).as("a/# at the QoS configured now, not the session's 0")
                    .containsOnly(1);
        }
    }

    /**
     * A subscription that asks for the retained messages gets them on a kept MQTT 5 session only when the
     * session did not have it (Retain Handling 1): the new filter's, not the old one's again.
     */
    @Test
    void aKeptMqtt5SessionBringsTheRetainedMessagesOfANewSubscriptionOnly() throws Exception {
        MqttSettings settings = settings(mosquitto.port());
        BrokerConnection.Options persistent = persistent("kept-5-retained");
        beginSession(settings, persistent, BrokerConnection.Subscription.plain("a/#", 1));
        try (MqttTestClient writer = MqttTestClient.connect(mosquitto.port(), "writer")) {
            writer.publish("a/kept", "retained", 1, true);
            writer.publish("b/kept", "retained", 1, true);
        }
        Thread.sleep(300); // a/kept is queued for the session: its subscription matches it
        ConcurrentLinkedQueue<ReceivedPublish> received = resumeSession(settings, persistent, 5,
                BrokerConnection.Subscription.plain("a/#", 1), BrokerConnection.Subscription.plain("b/#", 1));
        assertThat(topics(received, 2)).as("a/kept once (queued while away), b/kept once (new)")
                .containsExactlyInAnyOrder("a/kept", "b/kept");
    }

    /**
     * Under MQTT 3.1.1 a SUBSCRIBE brings every retained message again, so a kept session is not
     * subscribed again: it keeps the subscriptions it began with (and a filter added since waits for a
     * new session).
     */
    @Test
    void aKeptMqtt311SessionKeepsTheSubscriptionsItBeganWith() throws Exception {
        MqttSettings v311 = settings(mosquitto.port(), Map.of("cellhub.mqtt.protocol", "3.1.1"));
        BrokerConnection.Options persistent = persistent("kept-311");
        beginSession(v311, persistent, BrokerConnection.Subscription.plain("a/#", 1));
        try (MqttTestClient writer = MqttTestClient.connect(mosquitto.port(), "writer")) {
            writer.publish("a/kept", "retained", 1, true);
            ConcurrentLinkedQueue<ReceivedPublish> received = resumeSession(v311, persistent, 4,
                    BrokerConnection.Subscription.plain("a/#", 1), BrokerConnection.Subscription.plain("b/#", 1));
            writer.publishAcknowledged("a/live", "1");
            writer.publishAcknowledged("b/live", "2");
            assertThat(topics(received, 2)).as("a/kept queued while away, then a/live; no b/#").containsExactly("a/kept", "a/live");
        }
    }

    /** With a broker that takes MQTT 5, the connection speaks it, and a message's properties arrive with it. */
    @Test
    void anMqtt5BrokerIsSpokenToInMqtt5AndPropertiesArrive() throws Exception {
        BrokerConnection connection = connection(settings(mosquitto.port()), "speaks-5");
        ConcurrentLinkedQueue<ReceivedPublish> received = new ConcurrentLinkedQueue<>();
        connection.onMessage(publish -> {
            received.add(publish);
            publish.acknowledge();
        });
        connection.subscribe(new BrokerConnection.Subscription("props/#", 1, true, false));
        connection.start().get();
        assertThat(connection.protocolVersion()).isEqualTo(5);
        Thread.sleep(300);
        try (DeviceClient device = DeviceClient.v5(mosquitto.port(), "props-device")) {
            device.publish("props/t", "21.5", 1, Map.of("line", "7"), "text/plain");
            device.publish("props/r", "kept", 1, true);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
        ReceivedPublish first = received.poll();
        assertThat(first.properties().contentType()).isEqualTo("text/plain");
        assertThat(first.properties().userPropertyMap()).containsEntry("line", List.of("7"));
        assertThat(first.retainAsPublished()).isTrue();
        assertThat(received.poll().retain()).as("a live retained publish keeps RETAIN (Retain As Published)").isTrue();
    }

    @Test
    void aBrokerThatRefusesMqtt5IsSpokenToInMqtt311() throws Exception {
        try (Mqtt311OnlyBroker old = new Mqtt311OnlyBroker(mosquitto.port())) {
            BrokerConnection connection = connection(settings(old.port()), "falls-back");
            ConcurrentLinkedQueue<ReceivedPublish> received = new ConcurrentLinkedQueue<>();
            connection.onMessage(publish -> {
                received.add(publish);
                publish.acknowledge();
            });
            connection.subscribe(BrokerConnection.Subscription.plain("old/#", 1));
            connection.start().get();
            assertThat(old.refusedMqtt5()).as("MQTT 5 CONNECTs refused").isPositive();
            assertThat(connection.protocolVersion()).isEqualTo(4);
            Thread.sleep(300);
            connection.publish(new OutboundPublish("old/t", "through".getBytes(StandardCharsets.UTF_8), 1, false,
                    MessageProperties.of("text/plain", null, null, null, null, -1))).get();
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
            assertThat(received.peek().properties().isEmpty()).as("MQTT 3.1.1 has no properties").isTrue();
        }
    }

    /**
     * The MQTT client ends its flow of messages with its session; a broker restart that lost the
     * session must not leave the connection deaf: it subscribes again and takes what comes.
     */
    @Test
    void aConnectionReceivesAgainAfterABrokerRestartThatLostItsSession() throws Exception {
        BrokerConnection connection = new BrokerConnection(settings(mosquitto.port()), new BrokerConnection.Options(
                "keeps-listening", true, Duration.ofHours(1), 0, Optional.empty(), true));
        connections.add(connection);
        ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        connection.onMessage(publish -> {
            received.add(new String(publish.payload(), StandardCharsets.UTF_8));
            publish.acknowledge();
        });
        connection.subscribe(BrokerConnection.Subscription.plain("again/#", 1));
        connection.start().get();
        Thread.sleep(300);
        try (MqttTestClient device = MqttTestClient.connect(mosquitto.port(), "again-before")) {
            device.publishAcknowledged("again/t", "before");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("before"));

        mosquitto.stop(); // without persistence: the session is gone
        mosquitto.start();
        await().atMost(Duration.ofSeconds(20)).until(connection::isConnected);
        Thread.sleep(300);
        try (MqttTestClient device = MqttTestClient.connect(mosquitto.port(), "again-after")) {
            device.publishAcknowledged("again/t", "after");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("after"));
    }

    @Test
    void mqtt311CanBeInsistedOn() throws Exception {
        BrokerConnection connection = connection(settings(mosquitto.port(), Map.of("cellhub.mqtt.protocol", "3.1.1")),
                "insists-311");
        connection.start().get();
        assertThat(connection.protocolVersion()).isEqualTo(4);
    }

    @Test
    void theSmallRyeConnectorsKeysAreReadWhereTheNewOnesAreNotSet() {
        MqttSettings legacy = settings(0, Map.of("mp.messaging.connector.smallrye-mqtt.host", "broker.example",
                "mp.messaging.connector.smallrye-mqtt.port", "1884", "mp.messaging.connector.smallrye-mqtt.ssl", "true",
                "mp.messaging.connector.smallrye-mqtt.username", "cellhub"), false);
        assertThat(legacy.host()).isEqualTo("broker.example");
        assertThat(legacy.port()).isEqualTo(1884);
        assertThat(legacy.ssl().enabled()).isTrue();
        assertThat(legacy.username()).contains("cellhub");

        MqttSettings both = settings(0, Map.of("mp.messaging.connector.smallrye-mqtt.host", "old.example",
                "cellhub.mqtt.host", "new.example"), false);
        assertThat(both.host()).as("the new key wins").isEqualTo("new.example");
        assertThat(settings(0, Map.of("cellhub.broker.port", "2883"), false).port()).as("the embedded broker's port")
                .isEqualTo(2883);
    }

    @Test
    void theOldKeysAreNamedForTheWarningAlsoWhenSetAsEnvironmentVariables() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(new EnvConfigSource(Map.of(
                "MP_MESSAGING_CONNECTOR_SMALLRYE_MQTT_PASSWORD", "secret", "MP_MESSAGING_CONNECTOR_SMALLRYE_MQTT_HOST", "old",
                "CELLHUB_MQTT_PORT", "1883"), 300) {
        }).build();
        assertThat(LegacyMqttKeys.setIn(config)).containsExactly("mp.messaging.connector.smallrye-mqtt.host",
                "mp.messaging.connector.smallrye-mqtt.password");
    }

    /**
     * Subscribes to the stream, asks for {@code demand} messages and hands each to {@code onNext}; a
     * failure goes to {@code error}. Returns the subscription, to ask for more.
     */
    private static AtomicReference<Flow.Subscription> consume(IncomingMqttStream stream, long demand,
            Consumer<Message<byte[]>> onNext, AtomicReference<Throwable> error) {
        AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        stream.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription.set(s);
                s.request(demand);
            }

            @Override
            public void onNext(Message<byte[]> item) {
                onNext.accept(item);
            }

            @Override
            public void onError(Throwable throwable) {
                error.set(throwable);
            }

            @Override
            public void onComplete() {
            }
        });
        return subscription;
    }

    private static BrokerConnection.Options persistent(String clientId) {
        return new BrokerConnection.Options(clientId, true, Duration.ofHours(1), 0, Optional.empty(), true);
    }

    /** Begins the persistent session {@code options} with these subscriptions, and leaves it to the broker. */
    private static void beginSession(MqttSettings settings, BrokerConnection.Options options,
            BrokerConnection.Subscription... subscriptions) throws Exception {
        try (BrokerConnection first = new BrokerConnection(settings, options)) {
            for (BrokerConnection.Subscription subscription : subscriptions) {
                first.subscribe(subscription);
            }
            assertThat(startSubscribed(first).sessionPresent()).as("a new session").isFalse();
        }
    }

    /**
     * Connects again to the session the broker kept, with these subscriptions, in MQTT {@code version}
     * (5, or 4 for 3.1.1); returns what the connection receives.
     */
    private ConcurrentLinkedQueue<ReceivedPublish> resumeSession(MqttSettings settings, BrokerConnection.Options options,
            int version, BrokerConnection.Subscription... subscriptions) throws Exception {
        BrokerConnection again = new BrokerConnection(settings, options);
        connections.add(again);
        ConcurrentLinkedQueue<ReceivedPublish> received = receiveInto(again);
        for (BrokerConnection.Subscription subscription : subscriptions) {
            again.subscribe(subscription);
        }
        BrokerConnection.Connected connected = startSubscribed(again);
        assertThat(connected.sessionPresent()).as("the broker kept the session").isTrue();
        assertThat(connected.protocolVersion()).isEqualTo(version);
        return received;
    }

    /** The topics received, once at least {@code count} arrived and anything more would have. */
    private static List<String> topics(ConcurrentLinkedQueue<ReceivedPublish> received, int count) throws InterruptedException {
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= count);
        Thread.sleep(300);
        return received.stream().map(ReceivedPublish::topic).toList();
    }

    /** Starts the connection; returns once it is connected and the broker acknowledged its subscriptions. */
    private static BrokerConnection.Connected startSubscribed(BrokerConnection connection) throws Exception {
        CompletableFuture<BrokerConnection.Connected> first = new CompletableFuture<>();
        connection.onStateChange(new BrokerConnection.StateListener() {
            @Override
            public void connected(BrokerConnection.Connected connected) {
                first.complete(connected);
            }

            @Override
            public void disconnected(Throwable cause) {
            }
        });
        connection.start();
        BrokerConnection.Connected connected = first.get(10, TimeUnit.SECONDS);
        connected.subscribed().get(10, TimeUnit.SECONDS);
        return connected;
    }

    private static ConcurrentLinkedQueue<ReceivedPublish> receiveInto(BrokerConnection connection) {
        ConcurrentLinkedQueue<ReceivedPublish> received = new ConcurrentLinkedQueue<>();
        connection.onMessage(publish -> {
            received.add(publish);
            publish.acknowledge();
        });
        return received;
    }

    private PipelinedMqttSink sink(String clientId, int window) {
        return new PipelinedMqttSink("out", connection(settings(mosquitto.port()), clientId), "out", 1, false, window);
    }

    private BrokerConnection connection(MqttSettings settings, String clientId) {
        BrokerConnection connection = new BrokerConnection(settings, new BrokerConnection.Options(clientId, false, Duration.ZERO,
                0, Optional.empty(), true));
        connections.add(connection);
        return connection;
    }

    static MqttSettings settings(int port) {
        return settings(port, Map.of());
    }

    static MqttSettings settings(int port, Map<String, String> more) {
        return settings(port, more, true);
    }

    /** The settings a CellHub with these properties would have, read as the app reads them. */
    static MqttSettings settings(int port, Map<String, String> more, boolean withPort) {
        Map<String, String> values = new HashMap<>(more);
        if (withPort) {
            values.put("cellhub.mqtt.host", "127.0.0.1");
            values.put("cellhub.mqtt.port", String.valueOf(port));
        }
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultInterceptors().withInterceptors(new LegacyMqttKeys())
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(MqttSettings.class).withSources(new PropertiesConfigSource(values, "test", 500)).build();
        return config.getConfigMapping(MqttSettings.class);
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static void subscribe(PipelinedMqttSink sink, Flow.Publisher<Message<?>> messages) {
        messages.subscribe((Flow.Subscriber) sink.subscriber());
    }
}
