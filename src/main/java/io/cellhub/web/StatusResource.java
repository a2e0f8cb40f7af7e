package io.cellhub.web;

import java.time.Instant;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.channel.BrokerConnection;
import io.cellhub.channel.ConnectedChannels;
import io.cellhub.channel.MqttSettings;
import io.cellhub.broker.BrokerConfig;
import io.cellhub.store.ServiceStart;
import io.cellhub.store.StartLog;
import io.cellhub.stream.TopicStream;
import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.TrafficMetrics;

@Path("/api/status")
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

    /**
     * What this CellHub runs against and since when, with the totals the dashboard turns into rates:
     * messages received and published, and connected stream clients. {@code mqttVersion} is the MQTT
     * version the ingest connection speaks with the broker ({@code 5} or {@code 3.1.1}; null until it
     * has connected).
     */
    public record Status(String version, Instant startedAt, long starts, String broker, boolean embeddedBroker,
            String database, int topics, long received, long published, int streamClients, String mqttVersion) {
    }

    private final StartLog startLog;
    private final MqttSettings broker;
    private final BrokerConfig brokerConfig;
    private final LiveTopics topics;
    private final TrafficMetrics traffic;
    private final TopicStream stream;
    private final ConnectedChannels channels;

    public StatusResource(StartLog startLog, MqttSettings broker, BrokerConfig brokerConfig, LiveTopics topics,
            TrafficMetrics traffic, TopicStream stream, ConnectedChannels channels) {
        this.channels = channels;
        this.startLog = startLog;
        this.broker = broker;
        this.brokerConfig = brokerConfig;
        this.topics = topics;
        this.traffic = traffic;
        this.stream = stream;
    }

    @GET
    @Operation(summary = "Version, start history, broker, database and topic count of this CellHub")
    public Status status() {
        ServiceStart current = startLog.current();
        return new Status(current.version, current.startedAt, startLog.count(), BrokerConnection.address(broker),
                brokerConfig.embedded(), startLog.database(), topics.size(), traffic.receivedCount(), traffic.publishedCount(),
                stream.clientCount(), channels.mqttVersion("mqtt-in").orElse(null));
    }
}
