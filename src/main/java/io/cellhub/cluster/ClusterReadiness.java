package io.cellhub.cluster;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * In cluster mode, ready once Kafka answers, this replica's rule partitions run and its live view has
 * caught up; always UP on a single node. Liveness never depends on Kafka: a Kafka outage makes every
 * replica unready, and restarting them would not help.
 */
@Readiness
@ApplicationScoped
public class ClusterReadiness implements HealthCheck {

    private final ClusterNode node;

    public ClusterReadiness(ClusterNode node) {
        this.node = node;
    }

    @Override
    public HealthCheckResponse call() {
        if (!node.enabled()) {
            return HealthCheckResponse.named("CellHub cluster").up().withData("mode", "single node").build();
        }
        ClusterStatus status = node.status();
        return HealthCheckResponse.named("CellHub cluster").status(status.ready()).withData("replica", status.replica())
                .withData("kafka", status.bootstrapServers()).withData("rules", String.valueOf(status.rulesState()))
                .withData("kafkaAnswered", node.kafkaReachable()).withData("view", node.viewProgress())
                .withData("problem", status.problem() == null ? "none" : status.problem()).build();
    }
}
