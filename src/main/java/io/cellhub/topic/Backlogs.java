package io.cellhub.topic;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * CellHub's back-pressure: the {@link Backlog}s of its parts and whether ingest is held because one of
 * them is full. Whoever reads from the broker {@linkplain #onHold listens} and stops reading while
 * held, so TCP pushes back to the broker, which holds or drops by its own policy as it does for any
 * slow client. Nothing CellHub accepted is dropped for lack of room.
 * <p>
 * Metrics: {@code cellhub.backlog{backlog}} (current size), {@code cellhub.ingest.holds} (a timer of
 * each time ingest was held: how often, and for how long in total).
 */
@Singleton
public class Backlogs {

    private static final Logger LOG = Logger.getLogger(Backlogs.class);

    private final MeterRegistry registry;
    private final List<Backlog> backlogs = new CopyOnWriteArrayList<>();
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private final Timer holds;
    private final Counter holdsStarted;
    private int fullBacklogs;
    private boolean holding;
    private long heldSince;

    public Backlogs(MeterRegistry registry) {
        this.registry = registry;
        this.holds = Timer.builder("cellhub.ingest.holds")
                .description("Times ingest stopped reading from the broker because a backlog was full, and how long each lasted")
                .register(registry);
        this.holdsStarted = Counter.builder("cellhub.ingest.holds.started")
                .description("Times ingest stopped reading from the broker because a backlog was full").register(registry);
    }

    /** A new backlog that holds ingest while {@code limit} pieces of work are in it. */
    public Backlog create(String name, int limit) {
        Backlog backlog = new Backlog(name, limit, this);
        backlogs.add(backlog);
        Gauge.builder("cellhub.backlog", backlog, Backlog::size).tag("backlog", name)
                .description("Work taken on and not yet finished; ingest is held while it is at its limit").register(registry);
        return backlog;
    }

    /**
     * Calls {@code listener} with {@code true} when ingest must stop reading and with {@code false}
     * when it may read again, always in the order the states arose. Called on whichever thread changed
     * the state: the listener must not block.
     */
    public void onHold(Consumer<Boolean> listener) {
        listeners.add(listener);
        synchronized (this) {
            if (holding) {
                listener.accept(true);
            }
        }
    }

    /** Whether ingest is held now. */
    public synchronized boolean holding() {
        return holding;
    }

    public List<Backlog> all() {
        return List.copyOf(backlogs);
    }

    synchronized void filled(Backlog backlog) {
        fullBacklogs++;
        LOG.debugf("The %s backlog is full (%d); ingest stops reading", backlog.name(), backlog.limit());
        refresh();
    }

    synchronized void drained(Backlog backlog) {
        fullBacklogs--;
        refresh();
    }

    private void refresh() {
        boolean hold = fullBacklogs > 0;
        if (hold == holding) {
            return;
        }
        holding = hold;
        if (hold) {
            heldSince = System.nanoTime();
            holdsStarted.increment();
        } else {
            holds.record(System.nanoTime() - heldSince, TimeUnit.NANOSECONDS);
        }
        for (Consumer<Boolean> listener : listeners) {
            listener.accept(hold);
        }
    }
}
