package io.cellhub.channel;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.function.BiConsumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;

import io.smallrye.reactive.messaging.ClientCustomizer;
import io.smallrye.reactive.messaging.connector.InboundConnector;
import io.smallrye.reactive.messaging.connector.OutboundConnector;
import io.smallrye.reactive.messaging.health.HealthReport;
import io.smallrye.reactive.messaging.health.HealthReporter;
import io.smallrye.reactive.messaging.mqtt.MqttConnectorCommonConfiguration;
import io.smallrye.reactive.messaging.mqtt.MqttConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.mqtt.MqttConnectorOutgoingConfiguration;
import io.smallrye.reactive.messaging.mqtt.internal.MqttHelpers;
import io.smallrye.reactive.messaging.mqtt.session.MqttClientSessionOptions;
import io.smallrye.reactive.messaging.providers.connectors.ExecutionHolder;
import io.smallrye.reactive.messaging.providers.helpers.ConfigUtils;

/**
 * CellHub's MQTT connector, {@code cellhub-mqtt}: the {@code smallrye-mqtt} connector's attributes
 * and client (SmallRye's {@code MqttClientSession}: reconnects, TLS, credentials), with the message
 * path built for throughput.
 * <ul>
 * <li>Channels with the same broker and {@code client-id} share one session, so ingest and output
 * run on one connection and one event loop.</li>
 * <li>Incoming messages reach the consumer on the connection's event loop with no per-message
 * context or thread hop ({@link IncomingMqttStream}); without demand they are dropped and counted
 * instead of failing the channel.</li>
 * <li>Outgoing messages are pipelined with a window ({@link PipelinedMqttSink}).</li>
 * </ul>
 * What a channel does not set is read from {@code mp.messaging.connector.smallrye-mqtt.*}, so one
 * broker configuration serves every channel and tool.
 */
@ApplicationScoped
@Connector(CellHubMqttConnector.NAME)
public class CellHubMqttConnector implements InboundConnector, OutboundConnector, HealthReporter {

    public static final String NAME = "cellhub-mqtt";
    static final String SHARED_PREFIX = "mp.messaging.connector.smallrye-mqtt.";

    private final ExecutionHolder execution;
    private final Instance<MqttClientSessionOptions> optionBeans;
    private final Instance<ClientCustomizer<MqttClientSessionOptions>> customizers;
    private final Config global;
    private final Map<String, SharedSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, String> sinkChannelBySession = new ConcurrentHashMap<>();
    /** The channels with {@code health-enabled} (the default). */
    private final List<ChannelHealth> reporting = new CopyOnWriteArrayList<>();

    public CellHubMqttConnector(ExecutionHolder execution, @Any Instance<MqttClientSessionOptions> optionBeans,
            @Any Instance<ClientCustomizer<MqttClientSessionOptions>> customizers, Config global) {
        this.execution = execution;
        this.optionBeans = optionBeans;
        this.customizers = customizers;
        this.global = global;
    }

    @Override
    public Flow.Publisher<? extends Message<?>> getPublisher(Config channel) {
        Config config = new FallbackConfig(channel, global, SHARED_PREFIX);
        MqttConnectorIncomingConfiguration incoming = new MqttConnectorIncomingConfiguration(config);
        SharedSession session = session(incoming.getChannel(), options(incoming, config));
        IncomingMqttStream stream = new IncomingMqttStream(incoming.getChannel(), session,
                incoming.getTopic().orElse(incoming.getChannel()), incoming.getQos());
        if (incoming.getHealthEnabled()) {
            reporting.add(stream);
        }
        return stream.publisher();
    }

    @Override
    public Flow.Subscriber<? extends Message<?>> getSubscriber(Config channel) {
        Config config = new FallbackConfig(channel, global, SHARED_PREFIX);
        MqttConnectorOutgoingConfiguration outgoing = new MqttConnectorOutgoingConfiguration(config);
        MqttClientSessionOptions options = options(outgoing, config);
        String key = key(options);
        String other = sinkChannelBySession.putIfAbsent(key, outgoing.getChannel());
        if (other != null) {
            throw new IllegalArgumentException("Outgoing channels " + other + " and " + outgoing.getChannel()
                    + " would share the MQTT client " + key + "; give one of them another client-id.");
        }
        int window = config.getOptionalValue("pipeline-window", Integer.class).orElse(PipelinedMqttSink.DEFAULT_WINDOW);
        PipelinedMqttSink sink = new PipelinedMqttSink(session(outgoing.getChannel(), options), outgoing, options, window);
        if (outgoing.getHealthEnabled()) {
            reporting.add(sink);
        }
        return sink.subscriber();
    }

    private SharedSession session(String channel, MqttClientSessionOptions options) {
        SharedSession session = sessions.computeIfAbsent(key(options),
                k -> new SharedSession(execution.vertx().getDelegate(), options));
        if (session.cleanSession() != options.isCleanSession()) {
            throw new IllegalArgumentException("Channel " + channel + " shares the MQTT client " + key(options)
                    + " with another channel but sets auto-clean-session=" + options.isCleanSession()
                    + "; channels of one client need the same auto-clean-session.");
        }
        return session;
    }

    private MqttClientSessionOptions options(MqttConnectorCommonConfiguration channel, Config config) {
        return ConfigUtils.customize(config, customizers, MqttHelpers.createClientOptions(channel, optionBeans));
    }

    private static String key(MqttClientSessionOptions options) {
        return options.getUsername() + "@" + options.getHostname() + ":" + options.getPort() + "<"
                + options.getServerName().orElse("") + ">-[" + Optional.ofNullable(options.getClientId()).orElse("") + "]";
    }

    @PreDestroy
    void stop() {
        sessions.values().forEach(SharedSession::stop);
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
