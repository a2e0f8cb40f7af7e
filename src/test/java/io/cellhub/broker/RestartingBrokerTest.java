package io.cellhub.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.junit.jupiter.api.Test;

import io.cellhub.support.DeviceClient;
import io.cellhub.support.FreePort;
import io.cellhub.support.ScratchSpace;

/**
 * The embedded broker starts again after Artemis stopped it on a critical IO error, from the same data,
 * on a real Artemis: the error is raised through the broker's storage manager, the path Artemis takes
 * when its journal or paging store fails.
 */
class RestartingBrokerTest {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    @Test
    void aBrokerThatStopsOnACriticalIoErrorRunsAgainWithItsRetainedMessagesAndSessions() throws Exception {
        int port = FreePort.find();
        try (RestartingBroker broker = RestartingBroker.start(starter(port, "cellhub-restarting-broker"), STOP_TIMEOUT)) {
            try (DeviceClient device = DeviceClient.v3(port, "restart-device", true)) {
                device.publish("cellrestart/state", "on", 1, true);
            }
            DeviceClient.v3(port, "restart-subscriber", false).subscribe("cellrestart/queued", 1).close();
            ActiveMQServer first = broker.server();
            AtomicReference<String> reported = new AtomicReference<>();

            first.getStorageManager().criticalError(new IOException("simulated: a paged file could not be read"));

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> broker.down().map(reason -> {
                        reported.set(reason);
                        return true;
                    }).orElse(false));
            assertThat(reported.get()).contains("critical IO error").contains("simulated: a paged file could not be read");
            await().atMost(Duration.ofSeconds(60)).until(() -> broker.restarts() == 1 && broker.down().isEmpty());
            assertThat(broker.server()).as("a new server").isNotSameAs(first);
            assertThat(broker.server().isActive()).isTrue();

            try (DeviceClient device = DeviceClient.v3(port, "restart-device", true)) {
                device.publish("cellrestart/queued", "while-away", 1, false);
            }
            try (DeviceClient subscriber = DeviceClient.v3(port, "restart-subscriber", false)) {
                assertThat(subscriber.awaitMessage("cellrestart/queued").payload())
                        .as("queued for the persistent session kept across the restart").isEqualTo("while-away");
            }
            try (DeviceClient reader = DeviceClient.v3(port, "restart-reader", true).subscribe("cellrestart/state", 1)) {
                DeviceClient.Received state = reader.awaitMessage("cellrestart/state");
                assertThat(state.retain()).isTrue();
                assertThat(state.payload()).isEqualTo("on");
            }
            // Let the broker handle the clients' DISCONNECTs before it stops.
            await().atMost(Duration.ofSeconds(10)).until(() -> broker.server().getConnectionCount() == 0);
        }
    }

    @Test
    void aBrokerThatCellHubStopsIsNotStartedAgain() throws Exception {
        int port = FreePort.find();
        RestartingBroker broker = RestartingBroker.start(starter(port, "cellhub-stopped-broker"), STOP_TIMEOUT);

        broker.close();

        Thread.sleep(RestartingBroker.FIRST_DELAY.multipliedBy(3).toMillis());
        assertThat(broker.restarts()).isZero();
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).as("the port, free: nothing listens on it again").isEqualTo(port);
        }
    }

    /**
     * Artemis's stop closes every session under the session's lock; a page cleanup that holds an address
     * for minutes holds a publishing session's lock with it. Here the test holds that lock.
     */
    @Test
    void aBrokerWhoseStopHangsIsLeftToFinishOnItsOwnAfterTheStopTimeout() throws Exception {
        int port = FreePort.find();
        RestartingBroker broker = RestartingBroker.start(starter(port, "cellhub-hanging-stop-broker"), Duration.ofSeconds(1));
        ActiveMQServer server = broker.server();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (DeviceClient device = DeviceClient.v3(port, "hanging-stop-device", true)) {
            ServerSession session = server.getSessions().iterator().next();
            Thread holder = new Thread(() -> {
                synchronized (session) {
                    held.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            holder.start();
            held.await();

            // Without the timeout, stop() would wait for the lock this test releases only after it.
            boolean stopped = assertTimeoutPreemptively(Duration.ofSeconds(60), broker::stop);

            assertThat(stopped).as("stop() gave up waiting").isFalse();
            assertThat(server.getState()).as("Artemis, still stopping").isNotEqualTo(ActiveMQServer.SERVER_STATE.STOPPED);
            assertThat(broker.restarts()).isZero();
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> server.getState() == ActiveMQServer.SERVER_STATE.STOPPED);
        assertThat(broker.restarts()).as("a stop CellHub asked for, finished late: not restarted").isZero();
    }

    private static Callable<ArtemisBroker> starter(int port, String directory) {
        Path data = ScratchSpace.directory(directory);
        return () -> ArtemisBroker.start(EmbeddedBrokerConformanceTest.config(port), data, change -> {
        }, activity -> {
        });
    }
}
