package io.cellhub.web;

import java.time.Instant;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

import io.cellhub.broker.BrokerAddress;
import io.cellhub.broker.BrokerConfig;
import io.cellhub.cluster.ClusterNode;
import io.cellhub.cluster.ClusterStatus;
import io.cellhub.store.DatabaseUrl;
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
     * messages received and published, and connected stream clients.
     */
    public record Status(String version, Instant startedAt, long starts, String broker, boolean embeddedBroker,
            String database, int topics, long received, long published, int streamClients, ClusterStatus cluster) {
    }

    private final StartLog startLog;
    private final BrokerAddress broker;
    private final BrokerConfig brokerConfig;
    private final LiveTopics topics;
    private final TrafficMetrics traffic;
    private final TopicStream stream;
    private final String database;
    private final ClusterNode cluster;

    public StatusResource(StartLog startLog, BrokerAddress broker, BrokerConfig brokerConfig, LiveTopics topics,
            TrafficMetrics traffic, TopicStream stream, @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
            ClusterNode cluster) {
        this.cluster = cluster;
        this.startLog = startLog;
        this.broker = broker;
        this.brokerConfig = brokerConfig;
        this.topics = topics;
        this.traffic = traffic;
        this.stream = stream;
        this.database = DatabaseUrl.redacted(jdbcUrl);
    }

    @GET
    @Operation(summary = "Version, start history, broker, database and topic count of this CellHub; in cluster mode the "
            + "replicas, the partitions each owns and each part's consumer lag")
    public Status status() {
        ServiceStart current = startLog.current();
        return new Status(current.version, current.startedAt, startLog.count(), broker.toString(),
                brokerConfig.embedded(), database, topics.size(), traffic.receivedCount(), traffic.publishedCount(),
                stream.clientCount(), cluster.status());
    }
}
