package io.cellhub.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;

/**
 * A device for tests: a real MQTT 3.1.1 or 5 client (the HiveMQ MQTT client) on 127.0.0.1 that
 * records every message it receives, with blocking calls. It registers for all messages before it
 * connects, so a persistent session's queued messages are recorded too.
 */
public final class DeviceClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** A message as the client received it. */
    public record Received(String topic, String payload, int qos, boolean retain, Map<String, List<String>> userProperties,
            String contentType) {
    }

    private final Mqtt3AsyncClient v3;
    private final Mqtt5AsyncClient v5;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private DeviceClient(Mqtt3AsyncClient v3, Mqtt5AsyncClient v5) {
        this.v3 = v3;
        this.v5 = v5;
    }

    /** An MQTT 3.1.1 client, connected; {@code cleanSession} false keeps its session on the broker. */
    public static DeviceClient v3(int port, String clientId, boolean cleanSession) {
        Mqtt3AsyncClient client = Mqtt3Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port)
                .buildAsync();
        DeviceClient device = new DeviceClient(client, null);
        client.publishes(MqttGlobalPublishFilter.ALL, p -> device.received.add(new Received(p.getTopic().toString(),
                new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8), p.getQos().getCode(), p.isRetain(), Map.of(), null)));
        await(client.connectWith().cleanSession(cleanSession).send());
        return device;
    }

    /** An MQTT 5 client, connected with a clean start and a session that ends with the connection. */
    public static DeviceClient v5(int port, String clientId) {
        Mqtt5AsyncClient client = Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(port)
                .buildAsync();
        DeviceClient device = new DeviceClient(null, client);
        client.publishes(MqttGlobalPublishFilter.ALL, p -> device.received.add(received(p)));
        await(client.connectWith().cleanStart(true).send());
        return device;
    }

    private static Received received(Mqtt5Publish p) {
        Map<String, List<String>> properties = p.getUserProperties().asList().stream().collect(Collectors.groupingBy(
                (Mqtt5UserProperty property) -> property.getName().toString(), java.util.LinkedHashMap::new,
                Collectors.mapping(property -> property.getValue().toString(), Collectors.toList())));
        return new Received(p.getTopic().toString(), new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8),
                p.getQos().getCode(), p.isRetain(), properties, p.getContentType().map(Object::toString).orElse(null));
    }

    public DeviceClient subscribe(String filter, int qos) {
        if (v3 != null) {
            await(v3.subscribeWith().topicFilter(filter).qos(MqttQos.fromCode(qos)).send());
        } else {
            subscribe(filter, qos, false);
        }
        return this;
    }

    /** MQTT 5 only: subscribes with the Retain As Published option as given. */
    public DeviceClient subscribe(String filter, int qos, boolean retainAsPublished) {
        await(v5.subscribeWith().topicFilter(filter).qos(MqttQos.fromCode(qos)).retainAsPublished(retainAsPublished).send());
        return this;
    }

    public DeviceClient unsubscribe(String filter) {
        if (v3 != null) {
            await(v3.unsubscribeWith().topicFilter(filter).send());
        } else {
            await(v5.unsubscribeWith().topicFilter(filter).send());
        }
        return this;
    }

    /** Publishes and waits: for QoS 0 until written, for QoS 1 and 2 until the broker acknowledged it. */
    public DeviceClient publish(String topic, String payload, int qos, boolean retain) {
        await(publishAsync(topic, payload, qos, retain));
        return this;
    }

    public CompletableFuture<?> publishAsync(String topic, String payload, int qos, boolean retain) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        if (v3 != null) {
            return v3.publishWith().topic(topic).payload(bytes).qos(MqttQos.fromCode(qos)).retain(retain).send();
        }
        return v5.publishWith().topic(topic).payload(bytes).qos(MqttQos.fromCode(qos)).retain(retain).send();
    }

    /** MQTT 5 only: publishes with user properties and a content type. */
    public DeviceClient publish(String topic, String payload, int qos, Map<String, String> userProperties, String contentType) {
        var builder = v5.publishWith().topic(topic).payload(payload.getBytes(StandardCharsets.UTF_8)).qos(MqttQos.fromCode(qos))
                .contentType(contentType).userProperties().addAll(userProperties.entrySet().stream()
                        .map(e -> Mqtt5UserProperty.of(e.getKey(), e.getValue())).toList())
                .applyUserProperties();
        await(builder.send());
        return this;
    }

    /** Everything received so far, in arrival order. */
    public List<Received> received() {
        return new ArrayList<>(received);
    }

    /** The received messages whose topic starts with {@code prefix}. */
    public List<Received> received(String prefix) {
        return received.stream().filter(message -> message.topic().startsWith(prefix)).toList();
    }

    /** Waits until a received message matches, and returns it. */
    public Received awaitMessage(Predicate<Received> matching, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Received message : received) {
                if (matching.test(message)) {
                    return message;
                }
            }
            sleep(10);
        }
        throw new AssertionError("No matching message within " + timeout + "; received " + received.size() + " message(s)");
    }

    public Received awaitMessage(String topic) {
        return awaitMessage(message -> message.topic().equals(topic), TIMEOUT);
    }

    /** Waits until {@code count} messages under {@code prefix} arrived, or the timeout passed; returns how many did. */
    public int awaitCount(String prefix, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = received(prefix).size();
        while (seen < count && System.nanoTime() < deadline) {
            sleep(20);
            seen = received(prefix).size();
        }
        return seen;
    }

    public void disconnect() {
        if (v3 != null) {
            await(v3.disconnect());
        } else {
            await(v5.disconnect());
        }
    }

    @Override
    public void close() {
        try {
            if (v3 != null && v3.getState().isConnected()) {
                v3.disconnect().get(5, TimeUnit.SECONDS);
            } else if (v5 != null && v5.getState().isConnected()) {
                v5.disconnect().get(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            // already gone
        }
    }

    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
