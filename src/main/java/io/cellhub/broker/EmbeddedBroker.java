package io.cellhub.broker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Destroyed;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.jboss.logging.Logger;

import io.cellhub.CellHubConfig;
import io.cellhub.EmbeddedParts;
import io.cellhub.topic.DeviceActivity;
import io.cellhub.topic.RetainedChange;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.StartupEvent;

/**
 * The in-process MQTT broker, CellHub's default: Apache ActiveMQ Artemis with its MQTT protocol
 * (3.1, 3.1.1 and 5). It starts before the messaging channels connect and keeps retained messages,
 * persistent sessions and their queued messages in its journal under {@code <data-dir>/broker}. Its
 * public extension points feed CellHub: MQTT interceptors report retained publishes and what devices
 * do, a connection plugin reports connections that end, and a security manager checks credentials.
 * When Artemis stops itself (a critical IO error), {@link RestartingBroker} starts it again.
 * Left out of builds without the embedded parts ({@link EmbeddedParts}), such as the native one.
 */
@ApplicationScoped
@IfBuildProperty(name = EmbeddedParts.BUILD_PROPERTY, stringValue = "true", enableIfMissing = true)
public class EmbeddedBroker {

    private static final Logger LOG = Logger.getLogger(EmbeddedBroker.class);
    private static final AtomicReference<RestartingBroker> running = new AtomicReference<>();

    private final BrokerConfig config;
    private final Path dataDir;
    private final Event<RetainedChange> retainedChanges;
    private final Event<DeviceActivity> deviceActivity;
    private final MeterRegistry registry;

    public EmbeddedBroker(BrokerConfig config, CellHubConfig cellHub, Event<RetainedChange> retainedChanges,
            Event<DeviceActivity> deviceActivity, MeterRegistry registry) {
        this.config = config;
        this.dataDir = cellHub.dataDir().resolve("broker");
        this.retainedChanges = retainedChanges;
        this.deviceActivity = deviceActivity;
        this.registry = registry;
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        if (!config.embedded()) {
            LOG.info("Embedded MQTT broker is off (cellhub.broker.embedded=false); CellHub connects to the broker of cellhub.mqtt.host/port");
            return;
        }
        warnAboutIgnoredSettings();
        long started = System.nanoTime();
        try {
            if (config.allowAnonymous() && !isLoopback(config.host())) {
                LOG.warnf("The embedded MQTT broker listens on %s and lets anyone connect without credentials. Set "
                        + "cellhub.broker.allow-anonymous=false and cellhub.broker.password-file, or bind it to 127.0.0.1.",
                        config.host());
            }
            RestartingBroker broker = RestartingBroker.start(
                    () -> ArtemisBroker.start(config, dataDir, retainedChanges::fire, deviceActivity::fire), config.stopTimeout());
            ActiveMQServer server = broker.server();
            running.set(broker);
            registerMetrics(broker);
            LOG.infof("Embedded MQTT broker (Apache ActiveMQ Artemis %s, MQTT 3.1/3.1.1/5) listening on %s:%d, data in %s, "
                    + "started in %d ms", server.getVersion().getFullVersion(), config.host(), config.port(),
                    dataDir.toAbsolutePath(), (System.nanoTime() - started) / 1_000_000);
        } catch (Exception e) {
            throw new IllegalStateException("The embedded MQTT broker could not start on " + config.host() + ":"
                    + config.port() + " (" + e.getMessage() + "). Is another broker using the port? Set "
                    + "CELLHUB_BROKER_PORT to a free port, or CELLHUB_BROKER_EMBEDDED=false to use an external broker.", e);
        }
    }

    private void registerMetrics(RestartingBroker broker) {
        Gauge.builder("cellhub.broker.connections", broker, b -> b.down().isPresent() ? 0 : b.server().getConnectionCount())
                .description("Client connections to the embedded MQTT broker").register(registry);
        Gauge.builder("cellhub.broker.memory", broker,
                b -> b.down().isPresent() || b.server().getPagingManager() == null ? 0
                        : b.server().getPagingManager().getGlobalSize())
                .baseUnit("bytes")
                .description("Memory the embedded broker's waiting messages take; beyond cellhub.broker.max-memory they "
                        + "wait on disk")
                .register(registry);
        FunctionCounter.builder("cellhub.broker.restarts", broker, RestartingBroker::restarts)
                .description("Times CellHub started its embedded broker again after the broker had stopped by itself "
                        + "(a critical IO error of its journal or paging store)")
                .register(registry);
    }

    /** The running broker's server, for tests that fail it as its storage would. */
    ActiveMQServer server() {
        return running.get().server();
    }

    /** How often the embedded broker was started again after it had stopped by itself. */
    public long restarts() {
        RestartingBroker broker = running.get();
        return broker == null ? 0 : broker.restarts();
    }

    /**
     * Why the embedded broker is not running, while CellHub starts it again after it stopped by itself;
     * empty while it runs, and when it is off.
     */
    public Optional<String> down() {
        RestartingBroker broker = running.get();
        return broker == null ? Optional.empty() : broker.down();
    }

    private void warnAboutIgnoredSettings() {
        if (config.sessionQueueSize().isPresent() || config.writeBufferSize().isPresent()) {
            LOG.warn("cellhub.broker.session-queue-size and cellhub.broker.write-buffer-size are ignored: they were "
                    + "settings of the Moquette broker CellHub embedded before Apache ActiveMQ Artemis. Remove them; "
                    + "cellhub.broker.max-memory bounds the memory of waiting messages now.");
        }
        if (Files.exists(dataDir.resolve("moquette_store.h2"))) {
            LOG.warnf("%s holds the store of the Moquette broker of earlier CellHub versions; its retained messages "
                    + "and sessions are not carried over. CellHub's retained mirror still has the retained messages: "
                    + "POST /api/retained/restore publishes them to the broker again.", dataDir.toAbsolutePath());
        }
    }

    /**
     * Stops the broker after the application context is gone, so that the messaging connector has
     * closed its clients first and none of them tries to reconnect to a broker that is going away.
     */
    static void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) @Destroyed(ApplicationScoped.class) Object event)
            throws Exception {
        RestartingBroker broker = running.getAndSet(null);
        if (broker != null && broker.stop()) {
            LOG.info("Embedded MQTT broker stopped");
        }
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }
}
