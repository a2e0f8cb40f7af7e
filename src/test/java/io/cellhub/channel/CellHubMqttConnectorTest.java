package io.cellhub.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.cellhub.support.FreePort;
import io.cellhub.support.Mosquitto;
import io.cellhub.support.MqttTestClient;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.reactive.messaging.mqtt.MqttConnectorOutgoingConfiguration;
import io.smallrye.reactive.messaging.mqtt.SendingMqttMessageMetadata;
import io.smallrye.reactive.messaging.mqtt.internal.MqttHelpers;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSessionOptions;
import io.vertx.core.Vertx;

/** The {@code cellhub-mqtt} connector's sink and source against Debian's Mosquitto. */
class CellHubMqttConnectorTest {

    private final Vertx vertx = Vertx.vertx();
    private Mosquitto mosquitto;
    private final List<SharedSession> sessions = new ArrayList<>();

    @BeforeEach
    void startBroker() {
        mosquitto = new Mosquitto(FreePort.find()).configure("max_queued_messages 0").start();
    }

    @AfterEach
    void stop() {
        sessions.forEach(SharedSession::stop);
        vertx.close();
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
                messages.add(Message.of(("" + i).getBytes(), Metadata.of(new SendingMqttMessageMetadata("out/seq", MqttQoS.AT_LEAST_ONCE,
                        false)), () -> {
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
                    java.util.stream.IntStream.range(0, count).mapToObj(String::valueOf).toList());
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
        return Message.of("x".getBytes(), Metadata.of(new SendingMqttMessageMetadata(topic, MqttQoS.AT_LEAST_ONCE, false)),
                () -> {
                    outcome.complete(null);
                    return CompletableFuture.completedFuture(null);
                }, failure -> {
                    outcome.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
    }

    @Test
    void sourceDropsAndCountsWhatArrivesWithoutDemandAndKeepsTheStreamAlive() throws Exception {
        SharedSession session = session("source-demand", false);
        IncomingMqttStream stream = new IncomingMqttStream("in", session, "in/#", 0);
        ConcurrentLinkedQueue<Message<byte[]>> received = new ConcurrentLinkedQueue<>();
        AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        stream.publisher().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription.set(s);
                s.request(10);
            }

            @Override
            public void onNext(Message<byte[]> item) {
                received.add(item);
            }

            @Override
            public void onError(Throwable throwable) {
                error.set(throwable);
            }

            @Override
            public void onComplete() {
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(session::isConnected);
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

    @Test
    void channelSettingsFallBackToTheSmallRyeConnectorPrefix() {
        Config global = config(Map.of("mp.messaging.connector.smallrye-mqtt.host", "broker.example",
                "mp.messaging.connector.smallrye-mqtt.port", "1884"));
        Config channel = config(Map.of("channel-name", "out", "port", "2883"));
        FallbackConfig config = new FallbackConfig(channel, global, CellHubMqttConnector.SHARED_PREFIX);

        assertThat(config.getValue("host", String.class)).isEqualTo("broker.example");
        assertThat(config.getValue("port", Integer.class)).as("the channel's own setting wins").isEqualTo(2883);
        assertThat(config.getOptionalValue("username", String.class)).isEmpty();
        assertThat(config.getPropertyNames()).contains("host", "port", "channel-name");
    }

    private PipelinedMqttSink sink(String clientId, int window) {
        Config config = config(Map.of("channel-name", "out", "host", "127.0.0.1", "port", String.valueOf(mosquitto.port()),
                "client-id", clientId, "max-inflight-queue", "1000"));
        MqttConnectorOutgoingConfiguration outgoing = new MqttConnectorOutgoingConfiguration(config);
        MqttClientSessionOptions options = MqttHelpers.createClientOptions(outgoing, null);
        SharedSession session = new SharedSession(vertx, options);
        sessions.add(session);
        return new PipelinedMqttSink(session, outgoing, options, window);
    }

    private SharedSession session(String clientId, boolean clean) {
        Config config = config(Map.of("channel-name", "in", "host", "127.0.0.1", "port", String.valueOf(mosquitto.port()),
                "client-id", clientId, "auto-clean-session", String.valueOf(clean)));
        MqttClientSessionOptions options = MqttHelpers.createClientOptions(new MqttConnectorOutgoingConfiguration(config), null);
        SharedSession session = new SharedSession(vertx, options);
        sessions.add(session);
        return session;
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    private static void subscribe(PipelinedMqttSink sink, Multi<Message<?>> messages) {
        messages.subscribe().withSubscriber((Flow.Subscriber) sink.subscriber());
    }

    private static Config config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(values, "test", 500)).build();
    }
}
