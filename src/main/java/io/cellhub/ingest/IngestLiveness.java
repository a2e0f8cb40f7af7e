package io.cellhub.ingest;

import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.jboss.logging.Logger;

/**
 * DOWN once the ingest stream has failed for good. A broker outage only disconnects the channel,
 * which reconnects by itself (readiness reports it); but when the connector's buffer
 * ({@code mp.messaging.incoming.mqtt-in.buffer-size}) overflows under a flood, the SmallRye MQTT
 * connector fails the stream and nothing more is processed until CellHub restarts. Liveness DOWN
 * lets Kubernetes (or any supervisor watching {@code /q/health/live}) do that restart.
 */
@Liveness
@ApplicationScoped
public class IngestLiveness implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(IngestLiveness.class);

    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    void failed(Throwable cause) {
        if (failure.compareAndSet(null, cause)) {
            LOG.errorf("The ingest stream failed and CellHub receives no more messages until it restarts: %s. "
                    + "/q/health/live is now DOWN so a supervisor restarts it. If this came from a flood, raise "
                    + "mp.messaging.incoming.mqtt-in.buffer-size or slow the publishers.", cause.toString());
        }
    }

    @Override
    public HealthCheckResponse call() {
        Throwable cause = failure.get();
        return HealthCheckResponse.named("CellHub ingest stream").status(cause == null)
                .withData("failure", cause == null ? "none" : cause.toString()).build();
    }
}
