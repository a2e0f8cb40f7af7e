package io.cellhub.ingest;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.cellhub.channel.ReceivedPublish;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Sends the acknowledgement of a received QoS 1/2 message, on a single node and in a cluster's
 * ingest sessions alike. When the connection the message came on has closed since, it cannot be
 * sent: the broker sends the message again with the session (a duplicate, never a loss), so that is
 * counted ({@code cellhub_ingest_pubacks_unsent_total}) and never thrown, since a failure thrown
 * inside the ingest stream would end it.
 */
@Singleton
public class PubAcks {

    private static final Logger LOG = Logger.getLogger(PubAcks.class);

    private final Counter unsent;

    public PubAcks(MeterRegistry registry) {
        this.unsent = Counter.builder("cellhub.ingest.pubacks.unsent")
                .description("QoS 1 acknowledgements not sent because the connection the message came on had closed; "
                        + "the broker redelivers those messages")
                .register(registry);
    }

    /** Acknowledges {@code mqtt}; a QoS 0 message has nothing to acknowledge. */
    public void send(ReceivedPublish mqtt) {
        if (mqtt.qos() == 0) {
            return;
        }
        try {
            mqtt.acknowledge();
        } catch (RuntimeException connectionClosed) {
            unsent.increment();
            LOG.debugf("PUBACK for a message on %s not sent (%s): the broker sends it again", mqtt.topic(), connectionClosed);
        }
    }
}
