package io.cellhub.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Destroyed;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.cellhub.CellHubConfig;
import io.cellhub.EmbeddedParts;
import io.cellhub.topic.DeviceActivity;
import io.cellhub.topic.Payload;
import io.cellhub.topic.RetainedChange;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.moquette.broker.RetainedMessage;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.interception.InterceptHandler;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * The in-process Moquette broker, CellHub's default. It starts before the messaging channels
 * connect and keeps retained messages and persistent sessions under {@code <data-dir>/broker}.
 * Left out of builds without the embedded parts ({@link EmbeddedParts}), such as the native one.
 */
@ApplicationScoped
@IfBuildProperty(name = EmbeddedParts.BUILD_PROPERTY, stringValue = "true", enableIfMissing = true)
public class EmbeddedBroker {

    private static final Logger LOG = Logger.getLogger(EmbeddedBroker.class);

    private final BrokerConfig config;
    private final Path dataDir;
    private final Vertx vertx;
    private final String ingestClientId;
    private final Event<IngestSubscribed> ingestSubscribed;
    private final Event<RetainedChange> retainedChanges;
    private final Event<DeviceActivity> deviceActivity;
    private final MeterRegistry registry;
    private Counter fullBuffers;
    private static final AtomicReference<SelfHealingBroker> running = new AtomicReference<>();

    public EmbeddedBroker(BrokerConfig config, CellHubConfig cellHub, Vertx vertx,
            @ConfigProperty(name = "cellhub.ingest.client-id") String ingestClientId, Event<IngestSubscribed> ingestSubscribed,
            Event<RetainedChange> retainedChanges, Event<DeviceActivity> deviceActivity, MeterRegistry registry) {
        this.config = config;
        this.dataDir = cellHub.dataDir().resolve("broker");
        this.vertx = vertx;
        this.ingestClientId = ingestClientId;
        this.ingestSubscribed = ingestSubscribed;
        this.retainedChanges = retainedChanges;
        this.deviceActivity = deviceActivity;
        this.registry = registry;
    }

    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        if (!config.embedded()) {
            LOG.info("Embedded MQTT broker is off (cellhub.broker.embedded=false); using the broker configured in mp.messaging.connector.smallrye-mqtt.*");
            return;
        }
        try {
            Files.createDirectories(dataDir);
            fullBuffers = Counter.builder("cellhub.broker.write.buffer.full")
                    .description("Times a client connection of the embedded broker filled its outbound buffer "
                            + "(cellhub.broker.write-buffer-size); until it drains, QoS 0 messages and acknowledgements "
                            + "to it are dropped")
                    .register(registry);
            Properties properties = properties();
            SelfHealingBroker broker = new SelfHealingBroker(() -> new MemoryConfig(properties), this::interceptors,
                    new TopicDepthLimit());
            broker.start();
            running.set(broker);
            FunctionCounter.builder("cellhub.broker.restarts", broker, SelfHealingBroker::restarts)
                    .description("Restarts of the embedded broker after one of its session loops died")
                    .register(registry);
            LOG.infof("Embedded MQTT broker listening on %s:%d, data in %s", config.host(), config.port(),
                    dataDir.toAbsolutePath());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("The embedded MQTT broker could not start on " + config.host() + ":"
                    + config.port() + " (" + e.getMessage() + "). Is another broker using the port? Set "
                    + "CELLHUB_BROKER_PORT to a free port, or CELLHUB_BROKER_EMBEDDED=false to use an external broker.", e);
        }
    }

    private List<InterceptHandler> interceptors(Server server) {
        return List.of(new Qos0RetainedKeeper(server),
                new SubscriberWriteBuffer(server, config.writeBufferSize(), fullBuffers::increment),
                new RetainedChangeReporter(retainedChanges::fire),
                new DeviceActivityReporter(deviceActivity::fire),
                new IngestSubscriptionGuard(vertx, ingestClientId,
                        clientId -> SessionLoopRouter.run(server, clientId, "purging the session",
                                () -> server.disconnectAndPurgeClientState(clientId)),
                        clientId -> StoredSubscriptions.filterOf(server, clientId),
                        subscribed -> ingestSubscribed.fireAsync(subscribed)));
    }

    /**
     * The retained messages the broker holds on topics matching {@code filter}, {@code $SYS} left out,
     * read straight from its store: no client, no subscription, no quiet period to wait out. Empty when
     * the broker is not running or its store cannot be reached (another Moquette version).
     */
    public Optional<List<TopicMessage>> retained(TopicFilter filter) {
        Optional<Server> server = Optional.ofNullable(running.get()).flatMap(SelfHealingBroker::current);
        if (server.isEmpty()) {
            return Optional.empty();
        }
        try {
            Instant now = Instant.now();
            List<TopicMessage> held = new ArrayList<>();
            for (RetainedMessage message : MoquetteFields.retainedStore(server.get()).retainedOnTopic("#")) {
                String topic = message.getTopic().toString();
                if (!topic.startsWith("$SYS") && filter.matches(topic)) {
                    held.add(new TopicMessage(topic, Payload.copyOf(message.getPayload()), message.qosLevel().value(), true,
                            now));
                }
            }
            return Optional.of(held);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("Cannot read the embedded broker's retained store (%s); scanning it over MQTT instead", e.toString());
            return Optional.empty();
        }
    }

    /**
     * Stops the broker after the application context is gone, so that the messaging connector has
     * closed its clients first and none of them tries to reconnect to a broker that is going away.
     */
    static void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) @Destroyed(ApplicationScoped.class) Object event) {
        SelfHealingBroker broker = running.getAndSet(null);
        if (broker != null) {
            broker.stop();
            LOG.info("Embedded MQTT broker stopped");
        }
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    private Properties properties() {
        Properties props = new Properties();
        props.setProperty("host", config.host());
        props.setProperty("port", String.valueOf(config.port()));
        props.setProperty("websocket_port", "disabled");
        props.setProperty("allow_anonymous", String.valueOf(config.allowAnonymous()));
        props.setProperty("allow_zero_byte_client_id", "true");
        props.setProperty("persistence_enabled", "true");
        props.setProperty("data_path", dataDir.toAbsolutePath().toString());
        props.setProperty("netty.mqtt.message_size", String.valueOf(config.maxMessageSize()));
        props.setProperty("session_queue_size", String.valueOf(config.sessionQueueSize()));
        // Moquette otherwise reports usage to an outside collector.
        props.setProperty("telemetry_enabled", "false");
        config.passwordFile().ifPresent(file -> {
            if (!Files.isReadable(file)) {
                throw new IllegalStateException("cellhub.broker.password-file " + file.toAbsolutePath()
                        + " cannot be read. Each line is <username>:<sha256 of the password in hex>, for example made with: "
                        + "printf '%s:%s\\n' device \"$(printf %s secret | sha256sum | cut -d' ' -f1)\"");
            }
            props.setProperty("password_file", file.toAbsolutePath().toString());
        });
        if (config.allowAnonymous() && !isLoopback(config.host())) {
            LOG.warnf("The embedded MQTT broker listens on %s and lets anyone connect without credentials. Set "
                    + "cellhub.broker.allow-anonymous=false and cellhub.broker.password-file, or bind it to 127.0.0.1.",
                    config.host());
        }
        return props;
    }
}
