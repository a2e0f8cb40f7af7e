package io.cellhub.broker;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.cellhub.EmbeddedParts;
import io.quarkus.arc.properties.IfBuildProperty;

/**
 * DOWN while the embedded broker is not running because it stopped by itself and CellHub is starting it
 * again ({@link RestartingBroker}), with the reason; UP otherwise, and when the broker is external.
 * Liveness does not depend on it: CellHub restarts its broker itself.
 */
@Readiness
@ApplicationScoped
@IfBuildProperty(name = EmbeddedParts.BUILD_PROPERTY, stringValue = "true", enableIfMissing = true)
public class EmbeddedBrokerReadiness implements HealthCheck {

    private final EmbeddedBroker broker;
    private final BrokerConfig config;

    public EmbeddedBrokerReadiness(EmbeddedBroker broker, BrokerConfig config) {
        this.broker = broker;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        if (!config.embedded()) {
            return HealthCheckResponse.named("Embedded MQTT broker").up().withData("embedded", false).build();
        }
        return broker.down()
                .map(reason -> HealthCheckResponse.named("Embedded MQTT broker").down().withData("problem", reason)
                        .withData("restarts", broker.restarts()).build())
                .orElseGet(() -> HealthCheckResponse.named("Embedded MQTT broker").up()
                        .withData("restarts", broker.restarts()).build());
    }
}
