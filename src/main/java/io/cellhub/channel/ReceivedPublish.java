package io.cellhub.channel;

import java.nio.ByteBuffer;

import io.cellhub.topic.MessageProperties;

/**
 * One PUBLISH a {@link BrokerConnection} received: its topic, QoS, RETAIN flag, payload (read without
 * a copy until asked for), MQTT 5 properties, and its acknowledgement, which sends the PUBACK (QoS 1)
 * or PUBREC (QoS 2). The client sends acknowledgements in the order the messages arrived, however
 * they are called.
 *
 * @param retainAsPublished whether RETAIN is the flag the publisher set (an MQTT 5 subscription with
 *        Retain As Published), rather than the broker's mark for a retained message re-sent to a new
 *        subscription (MQTT 3.1.1)
 */
public record ReceivedPublish(String topic, int qos, boolean retain, boolean retainAsPublished, ByteBuffer payloadView,
        MessageProperties properties, Runnable acknowledgement) {

    public int payloadSize() {
        return payloadView == null ? 0 : payloadView.remaining();
    }

    /** A copy of the payload, the one copy CellHub makes of it. */
    public byte[] payload() {
        byte[] bytes = new byte[payloadSize()];
        if (bytes.length > 0) {
            payloadView.duplicate().get(bytes);
        }
        return bytes;
    }

    public void acknowledge() {
        acknowledgement.run();
    }
}
