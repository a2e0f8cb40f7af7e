package io.cellhub.cluster;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

import io.cellhub.topic.TopicMessage;

/**
 * Writes control records into the ingest topic, next to the MQTT messages of the same key, so that a
 * rule partition reads them in order with those messages. Only the rule partitions read them; the
 * journal and the live view skip them.
 */
final class ControlRecords implements AutoCloseable {

    private final ClusterMode mode;
    private final KafkaProducer<String, byte[]> producer;

    ControlRecords(ClusterMode mode) {
        this.mode = mode;
        this.producer = new KafkaProducer<>(mode.producer("control"));
    }

    /** Asks the partition of {@code key} to start chain {@code chain}, whose topics {@code missing} have no value. */
    void startChain(String key, String chain, Iterable<String> missing) throws InterruptedException, ExecutionException,
            TimeoutException {
        Headers headers = new KafkaHeaders();
        headers.add(MqttRecords.CONTROL, MqttRecords.utf8(MqttRecords.CHAIN_START));
        headers.add(MqttRecords.CHAIN, MqttRecords.utf8(chain));
        send(key, String.join("\n", missing).getBytes(StandardCharsets.UTF_8), headers);
    }

    /**
     * Tells the partition of {@code key} that chain output {@code echoId} ({@code payload} on
     * {@code topic}) is published again; returns once Kafka has it, so it is read before the echo.
     */
    void republished(String key, String topic, byte[] payload, String echoId) throws InterruptedException,
            ExecutionException, TimeoutException {
        Headers headers = new KafkaHeaders();
        headers.add(MqttRecords.CONTROL, MqttRecords.utf8(MqttRecords.REPUBLISHED));
        headers.add(MqttRecords.TOPIC, MqttRecords.utf8(topic));
        headers.add(MqttRecords.ECHO_ID, MqttRecords.utf8(echoId));
        send(key, payload, headers);
    }

    /**
     * A value the broker held retained on an average rule's input when an ingest space subscribed
     * ({@link RetainedInputs}); written by the space's owner in its own transactions.
     */
    static ProducerRecord<String, byte[]> retainedValue(ClusterMode mode, String key, TopicMessage retained) {
        Headers headers = new KafkaHeaders();
        headers.add(MqttRecords.CONTROL, MqttRecords.utf8(MqttRecords.RETAINED_VALUE));
        headers.add(MqttRecords.TOPIC, MqttRecords.utf8(retained.topic()));
        return new ProducerRecord<>(mode.ingestTopic(), null, key, retained.payload().toByteArray(), headers);
    }

    private void send(String key, byte[] value, Headers headers) throws InterruptedException, ExecutionException,
            TimeoutException {
        producer.send(new ProducerRecord<>(mode.ingestTopic(), null, key, value, headers)).get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        producer.close();
    }
}
