package io.cellhub.channel;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.jboss.logging.Logger;

import io.cellhub.topic.Backlogs;
import io.smallrye.reactive.messaging.annotations.ConnectorAttribute;
import io.smallrye.reactive.messaging.annotations.ConnectorAttribute.Direction;
import io.smallrye.reactive.messaging.connector.InboundConnector;
import io.smallrye.reactive.messaging.connector.OutboundConnector;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.health.HealthReporter;

/**
 * CellHub's MQTT connector, {@code cellhub-mqtt}: each channel is a {@link BrokerConnection} of its
 * own (the HiveMQ MQTT client, MQTT 5 or 3.1.1) to the broker of {@code cellhub.mqtt.*}.
 * <p>
 * Channel attributes, incoming: {@code topic} (the filter, or several, comma-separated), {@code qos} (1), {@code client-id},
 * {@code persistent-session} (false) with {@code session-expiry} (MQTT 5; 1 day), {@code receive-maximum}
 * (MQTT 5 flow control; 0 for the broker's choice), {@code retain-as-published} (MQTT 5; true: live
 * messages keep the RETAIN flag their publisher set, and the broker sends no retained messages when
 * the subscription is made, since CellHub scans them itself), {@code share-group} (subscribe as
 * {@code $share/<group>/<topic>}). Outgoing: {@code client-id}, {@code topic}, {@code qos} (1),
 * {@code retain} (false), {@code pipeline-window} (1,000 messages in flight). Both: {@code health-enabled}.
 */
@ApplicationScoped
@Connector(CellHubMqttConnector.NAME)
@ConnectorAttribute(name = "client-id", type = "string", direction = Direction.INCOMING_AND_OUTGOING,
        description = "MQTT client id of the channel's connection; cellhub-<channel> without it")
@ConnectorAttribute(name = "topic", type = "string", direction = Direction.INCOMING_AND_OUTGOING,
        description = "Incoming: the topic filter to subscribe to, or several, comma-separated. Outgoing: the topic of messages that name none")
@ConnectorAttribute(name = "qos", type = "int", direction = Direction.INCOMING_AND_OUTGOING, defaultValue = "1",
        description = "Incoming: the subscription's QoS. Outgoing: the QoS of messages that name none")
@ConnectorAttribute(name = "health-enabled", type = "boolean", direction = Direction.INCOMING_AND_OUTGOING,
        defaultValue = "true", description = "Whether the channel's connection counts for health")
@ConnectorAttribute(name = "persistent-session", type = "boolean", direction = Direction.INCOMING, defaultValue = "false",
        description = "Keep the session on the broker while CellHub is away")
@ConnectorAttribute(name = "session-expiry", type = "string", direction = Direction.INCOMING, defaultValue = "1d",
        description = "MQTT 5: how long the broker keeps a persistent session")
@ConnectorAttribute(name = "receive-maximum", type = "int", direction = Direction.INCOMING, defaultValue = "0",
        description = "MQTT 5: unacknowledged QoS 1/2 messages the broker may send at once; 0 for the broker's choice")
@ConnectorAttribute(name = "retain-as-published", type = "boolean", direction = Direction.INCOMING, defaultValue = "true",
        description = "MQTT 5: live messages keep the publisher's RETAIN flag, and no retained messages come at subscribe time")
@ConnectorAttribute(name = "share-group", type = "string", direction = Direction.INCOMING,
        description = "Subscribe as a member of $share/<group>/<topic>")
@ConnectorAttribute(name = "retain", type = "boolean", direction = Direction.OUTGOING, defaultValue = "false",
        description = "The RETAIN flag of messages that name none")
@ConnectorAttribute(name = "pipeline-window", type = "int", direction = Direction.OUTGOING, defaultValue = "1000",
        description = "Messages in flight at most: written and not yet acknowledged by the broker")
public class CellHubMqttConnector implements InboundConnector, OutboundConnector, HealthReporter {

    public static final String NAME = "cellhub-mqtt";

    private static final Logger LOG = Logger.getLogger(CellHubMqttConnector.class);

    private final MqttSettings settings;
    private final Map<String, String> channelByClientId = new ConcurrentHashMap<>();
    private final List<BrokerConnection> connections = new CopyOnWriteArrayList<>();
    private final List<BrokerConnection> incoming = new CopyOnWriteArrayList<>();
    /** The channels with {@code health-enabled} (the default). */
    private final List<ChannelHealth> reporting = new CopyOnWriteArrayList<>();

    private final Event<ChannelConnected> connected;

    public CellHubMqttConnector(MqttSettings settings, Config config, Event<ChannelConnected> connected, Backlogs backlogs) {
        this.settings = settings;
        this.connected = connected;
        warnAboutLegacyKeys(config);
        backlogs.onHold(this::holdIncoming);
    }

    /**
     * CellHub's back-pressure: while one of its backlogs is full, the incoming channels stop reading
     * from the broker (see {@link Backlogs}).
     */
    private void holdIncoming(boolean hold) {
        for (BrokerConnection connection : incoming) {
            connection.setReading(!hold);
        }
    }

    @Override
    public Flow.Publisher<? extends Message<?>> getPublisher(Config channel) {
        String name = name(channel);
        List<String> filters = channel.getOptionalValues("topic", String.class).orElse(List.of(name));
        String shareGroup = channel.getOptionalValue("share-group", String.class).filter(group -> !group.isBlank()).orElse(null);
        boolean retainAsPublished = channel.getOptionalValue("retain-as-published", Boolean.class).orElse(true);
        int qos = channel.getOptionalValue("qos", Integer.class).orElse(1);
        List<BrokerConnection.Subscription> subscriptions = filters.stream().map(String::strip).distinct()
                .map(filter -> new BrokerConnection.Subscription(shareGroup == null ? filter : "$share/" + shareGroup + "/" + filter,
                        qos, retainAsPublished, !retainAsPublished))
                .toList();
        BrokerConnection connection = connection(name, channel, new BrokerConnection.Options(clientId(name, channel),
                channel.getOptionalValue("persistent-session", Boolean.class).orElse(false),
                channel.getOptionalValue("session-expiry", Duration.class).orElse(Duration.ofDays(1)),
                channel.getOptionalValue("receive-maximum", Integer.class).orElse(0), Optional.empty(), true));
        incoming.add(connection);
        IncomingMqttStream stream = new IncomingMqttStream(name, connection, subscriptions, connected::fireAsync);
        if (channel.getOptionalValue("health-enabled", Boolean.class).orElse(true)) {
            reporting.add(stream);
        }
        return stream;
    }

    @Override
    public Flow.Subscriber<? extends Message<?>> getSubscriber(Config channel) {
        String name = name(channel);
        BrokerConnection connection = connection(name, channel, BrokerConnection.Options.clean(clientId(name, channel)));
        PipelinedMqttSink sink = new PipelinedMqttSink(name, connection,
                channel.getOptionalValue("topic", String.class).orElse(name),
                channel.getOptionalValue("qos", Integer.class).orElse(1),
                channel.getOptionalValue("retain", Boolean.class).orElse(false),
                channel.getOptionalValue("pipeline-window", Integer.class).orElse(PipelinedMqttSink.DEFAULT_WINDOW));
        if (channel.getOptionalValue("health-enabled", Boolean.class).orElse(true)) {
            reporting.add(sink);
        }
        return sink.subscriber();
    }

    private BrokerConnection connection(String channel, Config config, BrokerConnection.Options options) {
        String other = channelByClientId.putIfAbsent(options.clientId(), channel);
        if (other != null) {
            throw new IllegalArgumentException("Channels " + other + " and " + channel + " would connect with the same MQTT "
                    + "client id '" + options.clientId() + "', and the broker would disconnect one for the other; give "
                    + "mp.messaging.*." + channel + ".client-id another value.");
        }
        BrokerConnection connection = new BrokerConnection(settings, options);
        connections.add(connection);
        return connection;
    }

    private static String name(Config channel) {
        return channel.getValue("channel-name", String.class);
    }

    private static String clientId(String channel, Config config) {
        return config.getOptionalValue("client-id", String.class).orElse("cellhub-" + channel);
    }

    /** CellHub read the broker from the SmallRye MQTT connector's keys before; they still work, for now. */
    private static void warnAboutLegacyKeys(Config config) {
        List<String> legacy = LegacyMqttKeys.setIn(config);
        if (!legacy.isEmpty()) {
            LOG.warnf("%s are the SmallRye MQTT connector's keys, which CellHub no longer uses; they are read for now "
                    + "where the cellhub.mqtt.* key is not set. Set cellhub.mqtt.host, port, username, password and "
                    + "ssl.* (CELLHUB_MQTT_HOST, ...) instead.", String.join(", ", legacy));
        }
    }

    @PreDestroy
    void stop() {
        for (BrokerConnection connection : connections) {
            connection.disconnect().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    @Override
    public HealthReport getStartup() {
        return report(ChannelHealth::reportStarted);
    }

    @Override
    public HealthReport getReadiness() {
        return report(ChannelHealth::reportReady);
    }

    @Override
    public HealthReport getLiveness() {
        return report(ChannelHealth::reportAlive);
    }

    private HealthReport report(BiConsumer<ChannelHealth, HealthReport.HealthReportBuilder> check) {
        HealthReport.HealthReportBuilder builder = HealthReport.builder();
        reporting.forEach(channel -> check.accept(channel, builder));
        return builder.build();
    }
}
