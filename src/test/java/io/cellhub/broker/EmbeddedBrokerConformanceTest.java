package io.cellhub.broker;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.cellhub.support.FreePort;
import io.cellhub.support.ScratchSpace;

/**
 * The broker conformance suite against CellHub's embedded broker, started as CellHub starts it
 * ({@link ArtemisBroker}, with CellHub's settings, users and event feed), on a port and data
 * directory of its own so that it can be restarted.
 */
class EmbeddedBrokerConformanceTest extends BrokerConformance {

    private static final int PORT = FreePort.find();
    private static final Path DATA = ScratchSpace.directory("cellhub-conformance-broker");
    private static ArtemisBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = ArtemisBroker.start(config(PORT), DATA, change -> {
        }, activity -> {
        });
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    @Override
    protected int port() {
        return PORT;
    }

    @Override
    protected void restartBroker() throws Exception {
        broker.close();
        broker = ArtemisBroker.start(config(PORT), DATA, change -> {
        }, activity -> {
        });
    }

    /**
     * Artemis 2.44 redelivers the messages but without DUP: its MQTT session closes the subscription's
     * consumer as not failed ({@code MQTTSubscriptionManager.stop}: {@code consumer.close(false)}), which
     * takes the delivery back, so the redelivery counts as the first. Receivers must not rely on DUP in
     * any case (a QoS 1 duplicate can come without it); docs/OPERATIONS.md lists the difference.
     */
    @Override
    protected boolean setsDupOnRedelivery() {
        return false;
    }

    /** CellHub's defaults, on {@code port}. */
    static BrokerConfig config(int port) {
        return TestBrokerConfig.defaults("127.0.0.1", port);
    }
}
