package io.cellhub.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cellhub.support.FreePort;
import io.cellhub.support.MqttTestClient;
import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;

/**
 * A real Moquette broker whose session loop is killed the way Moquette 0.17 kills one: a command that
 * throws on the loop. The fault comes through Moquette's own authorization hook, which runs inside the
 * SUBSCRIBE command on the subscriber's session loop.
 */
class SelfHealingBrokerTest {

    private static final String FAULTY_FILTER = "fault/throws-on-the-session-loop";

    @TempDir
    Path dataDir;

    private int port;
    private SelfHealingBroker broker;

    @BeforeEach
    void start() throws Exception {
        port = FreePort.find();
        Path brokerDir = Files.createDirectories(dataDir.resolve("broker"));
        broker = new SelfHealingBroker(() -> SessionLoops.moquetteConfig(port, brokerDir), server -> List.of(),
                new FaultyFilterPolicy());
        broker.start();
    }

    @AfterEach
    void stop() {
        broker.stop();
    }

    @Test
    void aDeadSessionLoopRestartsTheBrokerAndEveryClientIsServedAgain() {
        try (MqttTestClient publisher = MqttTestClient.connect(port, "retainer")) {
            publisher.publish("cells/state", "kept", 1, true);
            publisher.publishAcknowledged("cells/other", "after the retained one");
        }
        MqttTestClient faulty = MqttTestClient.connect(port, "faulty-subscriber");
        faulty.subscribeAsync(FAULTY_FILTER, 0);

        await().atMost(Duration.ofSeconds(30)).until(() -> broker.restarts() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> !faulty.isConnected());
        faulty.close();
        SessionLoops.assertEveryLoopServes(port, "after-restart");
        try (MqttTestClient late = MqttTestClient.connect(port, "late")) {
            late.subscribe("cells/state", 0);
            assertThat(late.next("cells/state").payload()).isEqualTo("kept");
        }
        assertThat(broker.restarts()).isEqualTo(1);
    }

    /** Throws for one filter, as a Moquette 0.17 fault would on the session loop. */
    private static final class FaultyFilterPolicy implements IAuthorizatorPolicy {

        @Override
        public boolean canWrite(Topic topic, String user, String client) {
            return true;
        }

        @Override
        public boolean canRead(Topic topic, String user, String client) {
            if (topic.toString().equals(FAULTY_FILTER)) {
                throw new IllegalStateException("fault injected on the session loop");
            }
            return true;
        }
    }
}
