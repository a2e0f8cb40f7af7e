package io.cellhub.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cellhub.support.FreePort;
import io.cellhub.support.MqttTestClient;
import io.moquette.broker.Server;

/**
 * Actions routed onto a real Moquette broker's session loops, as the ingest guard's purge is. The
 * subscribers here take QoS 0: a subscriber's PUBACK can itself kill a Moquette 0.17 session loop
 * ({@code IllegalReferenceCountException} in {@code Session.pubAckReceived}, seen in CI), and this
 * broker has no {@link SelfHealingBroker} around it.
 */
class SessionLoopRouterTest {

    @TempDir
    Path dataDir;

    private int port;
    private Server server;

    @BeforeEach
    void start() throws Exception {
        port = FreePort.find();
        server = new Server();
        server.startServer(SessionLoops.moquetteConfig(port, dataDir), List.of());
    }

    @AfterEach
    void stop() {
        server.stopServer();
    }

    @Test
    void purgeOnTheSessionLoopDropsTheConnectionAndTheSubscription() throws InterruptedException {
        try (MqttTestClient publisher = MqttTestClient.connect(port, "purge-publisher")) {
            MqttTestClient device = MqttTestClient.connect("127.0.0.1", port, "purged-device", false);
            device.subscribe("purge/x", 0);
            publisher.publishAcknowledged("purge/x", "before");
            assertThat(device.next("purge/x").payload()).isEqualTo("before");

            SessionLoopRouter.run(server, "purged-device", "purging the session",
                    () -> server.disconnectAndPurgeClientState("purged-device"));

            await().atMost(Duration.ofSeconds(10)).until(() -> !device.isConnected());
            try (MqttTestClient back = MqttTestClient.connect("127.0.0.1", port, "purged-device", false)) {
                publisher.publishAcknowledged("purge/x", "after");
                assertThat(back.poll(Duration.ofSeconds(1))).as("the purged subscription delivers nothing").isNull();
            }
        }
    }

    @Test
    void anActionThatThrowsLeavesTheSessionLoopServing() {
        SessionLoopRouter.run(server, "loop-owner", "a failing action", () -> {
            throw new IllegalStateException("fails on the session loop");
        });
        try (MqttTestClient owner = MqttTestClient.connect(port, "loop-owner");
                MqttTestClient publisher = MqttTestClient.connect(port, "loop-publisher")) {
            owner.subscribe("loop/alive", 0);
            publisher.publishAcknowledged("loop/alive", "yes");
            assertThat(owner.next("loop/alive").payload()).isEqualTo("yes");
        }
    }
}
