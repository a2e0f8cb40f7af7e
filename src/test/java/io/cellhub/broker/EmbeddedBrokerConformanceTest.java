package io.cellhub.broker;

import java.nio.file.Path;
import java.util.Optional;

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
        return new BrokerConfig() {
            @Override
            public boolean embedded() {
                return true;
            }

            @Override
            public String host() {
                return "127.0.0.1";
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public int maxMessageSize() {
                return 1_048_576;
            }

            @Override
            public long maxMemory() {
                return 64L * 1024 * 1024;
            }

            @Override
            public boolean allowAnonymous() {
                return true;
            }

            @Override
            public Optional<Path> passwordFile() {
                return Optional.empty();
            }

            @Override
            public Optional<Integer> sessionQueueSize() {
                return Optional.empty();
            }

            @Override
            public Optional<Integer> writeBufferSize() {
                return Optional.empty();
            }
        };
    }
}
