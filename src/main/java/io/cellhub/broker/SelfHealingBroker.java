package io.cellhub.broker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.moquette.broker.Server;
import io.moquette.broker.config.IConfig;
import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.interception.InterceptHandler;

/**
 * A Moquette server that restarts itself in place when one of its session loops dies
 * ({@link SessionLoopWatchdog}). Without the restart the broker would keep accepting connections
 * while every client bound to the dead loop, CellHub's own ingest session among them, stays stuck
 * for good. The restart closes every connection; clients reconnect, retained messages survive in the
 * broker's store.
 */
final class SelfHealingBroker {

    private static final Logger LOG = Logger.getLogger(SelfHealingBroker.class);

    private final Supplier<IConfig> config;
    private final Function<Server, List<InterceptHandler>> interceptors;
    private final IAuthorizatorPolicy policy;
    private final AtomicLong restarts = new AtomicLong();
    private Server server;

    /**
     * @param interceptors the interceptors for one server instance; called again for each restart
     */
    SelfHealingBroker(Supplier<IConfig> config, Function<Server, List<InterceptHandler>> interceptors,
            IAuthorizatorPolicy policy) {
        this.config = config;
        this.interceptors = interceptors;
        this.policy = policy;
    }

    synchronized void start() throws IOException {
        server = launch();
    }

    synchronized void stop() {
        if (server != null) {
            server.stopServer();
            server = null;
        }
    }

    /** The server running now; empty while stopped or between a failed server and its replacement. */
    synchronized Optional<Server> current() {
        return Optional.ofNullable(server);
    }

    /** How often a dead session loop made the broker restart. */
    long restarts() {
        return restarts.get();
    }

    private Server launch() throws IOException {
        Server candidate = new Server();
        List<InterceptHandler> handlers = new ArrayList<>(interceptors.apply(candidate));
        handlers.add(new SessionLoopWatchdog(error -> loopDied(candidate, error)));
        candidate.startServer(config.get(), handlers, null, null, policy);
        ConnectGate.install(candidate);
        return candidate;
    }

    private void loopDied(Server failed, Throwable error) {
        LOG.errorf(error, "A session loop of the embedded MQTT broker died (a Moquette 0.17 fault); the clients bound "
                + "to it would get no more deliveries or acknowledgements. Restarting the embedded broker: clients "
                + "reconnect, retained messages are kept.");
        // Not on the dying loop's thread: stopping the broker joins every loop.
        Thread restart = new Thread(() -> restart(failed), "cellhub-broker-restart");
        restart.setDaemon(true);
        restart.start();
    }

    private synchronized void restart(Server failed) {
        if (server != failed) {
            return; // stopped, or already restarted for another loop of the same server
        }
        failed.stopServer();
        server = null;
        try {
            server = launch();
            restarts.incrementAndGet();
            LOG.info("Embedded MQTT broker restarted");
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "The embedded MQTT broker could not be restarted; restart CellHub");
        }
    }
}
