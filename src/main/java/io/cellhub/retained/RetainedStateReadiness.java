package io.cellhub.retained;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once CellHub knows the broker's retained state: before that, the processors could miss
 * their inputs or set start values over values the broker holds.
 */
@Readiness
@ApplicationScoped
public class RetainedStateReadiness implements HealthCheck {

    private final RetainedScan scan;

    public RetainedStateReadiness(RetainedScan scan) {
        this.scan = scan;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("CellHub retained state").status(scan.hasCompleted()).build();
    }
}
