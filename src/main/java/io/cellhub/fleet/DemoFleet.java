package io.cellhub.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.cellhub.channel.MqttSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/** The simulated fleet a newcomer sees at once: {@code cellhub.fleet.cells} robot cells publishing every interval. */
@ApplicationScoped
public class DemoFleet {

    private static final Logger LOG = Logger.getLogger(DemoFleet.class);

    private final Vertx vertx;
    private final MqttSettings broker;
    private final FleetConfig config;
    private final List<SimulatedCell> cells = new ArrayList<>();

    public DemoFleet(Vertx vertx, MqttSettings broker, FleetConfig config) {
        this.vertx = vertx;
        this.broker = broker;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.enabled()) {
            start(config.prefix(), config.firstCell(), config.cells());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Starts {@code count} cells named {@code prefix<first>}, {@code prefix<first+1>}, ... */
    public synchronized void start(String prefix, int first, int count) {
        Random random = new Random();
        for (int i = first; i < first + count; i++) {
            SimulatedCell cell = new SimulatedCell(vertx, broker, prefix + i, config.interval().toMillis(), random);
            cells.add(cell);
            cell.start();
        }
        LOG.infof("Simulated fleet: %d cell(s) %s%d..%s%d publishing every %d ms to %s", count, prefix, first, prefix,
                first + count - 1, config.interval().toMillis(), broker.host() + ":" + broker.port());
    }

    /** Stops every cell; each publishes {@code offline} before it disconnects. */
    public synchronized void stop() {
        if (cells.isEmpty()) {
            return;
        }
        List<CompletableFuture<Void>> stopped = cells.stream().map(SimulatedCell::stop).toList();
        cells.clear();
        try {
            CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("Simulated fleet did not stop cleanly: %s", e.getMessage());
        }
    }
}
