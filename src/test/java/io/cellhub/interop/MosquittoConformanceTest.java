package io.cellhub.interop;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.cellhub.broker.BrokerConformance;
import io.cellhub.support.FreePort;
import io.cellhub.support.Mosquitto;
import io.cellhub.support.ScratchSpace;

/**
 * The broker conformance suite against Debian's Mosquitto, with persistence on so that queued
 * messages can survive its restart: the reference every CellHub broker is held to.
 */
class MosquittoConformanceTest extends BrokerConformance {

    private static Mosquitto mosquitto;

    @BeforeAll
    static void start() {
        mosquitto = new Mosquitto(FreePort.find())
                // As root, Mosquitto would drop to the user 'mosquitto', which cannot write the scratch directory.
                .configure("user " + System.getProperty("user.name"), "persistence true",
                        "persistence_location " + ScratchSpace.directory("cellhub-conformance-mosquitto") + "/")
                .start();
    }

    @AfterAll
    static void stop() {
        mosquitto.stop();
    }

    @Override
    protected int port() {
        return mosquitto.port();
    }

    @Override
    protected boolean setsDupOnRedelivery() {
        return true;
    }

    @Override
    protected void restartBroker() {
        mosquitto.stop();
        mosquitto.start();
    }
}
