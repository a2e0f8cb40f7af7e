package io.cellhub.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class BacklogsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Backlogs backlogs = new Backlogs(registry);
    private final List<Boolean> holds = new CopyOnWriteArrayList<>();

    @Test
    void aFullBacklogHoldsIngestUntilItIsDrainedToHalf() {
        backlogs.onHold(holds::add);
        Backlog publish = backlogs.create("publish", 4);
        publish.add();
        publish.add();
        publish.add();
        assertThat(holds).isEmpty();
        publish.add();
        assertThat(holds).containsExactly(true);
        assertThat(backlogs.holding()).isTrue();
        publish.remove();
        assertThat(holds).containsExactly(true);
        publish.remove();
        assertThat(holds).containsExactly(true, false);
        assertThat(backlogs.holding()).isFalse();
        assertThat(registry.get("cellhub.ingest.holds").timer().count()).isEqualTo(1);
        assertThat(registry.get("cellhub.backlog").tag("backlog", "publish").gauge().value()).isEqualTo(2.0);
    }

    @Test
    void ingestIsHeldWhileAnyBacklogIsFull() {
        backlogs.onHold(holds::add);
        Backlog publish = backlogs.create("publish", 2);
        Backlog journal = backlogs.create("journal", 2);
        publish.add();
        publish.add();
        journal.add();
        journal.add();
        publish.remove();
        publish.remove();
        assertThat(holds).containsExactly(true);
        journal.remove();
        assertThat(holds).containsExactly(true, false);
    }

    @Test
    void aListenerAddedWhileHeldLearnsItAtOnce() {
        Backlog publish = backlogs.create("publish", 2);
        publish.add();
        publish.add();
        backlogs.onHold(holds::add);
        assertThat(holds).containsExactly(true);
    }

    @Test
    void aBacklogNeedsRoomForAtLeastTwo() {
        assertThatThrownBy(() -> backlogs.create("publish", 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2");
    }

    /**
     * Many threads adding and finishing work at once, crossing the limit thousands of times: when all
     * work is finished, ingest must not be left held (that would stop CellHub for good), and the
     * listener must have seen the states alternate.
     */
    @Test
    void concurrentWorkNeverLeavesIngestHeldOnceEverythingIsFinished() throws Exception {
        backlogs.onHold(holds::add);
        Backlog publish = backlogs.create("publish", 2);
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            pool.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int i = 0; i < 50_000; i++) {
                    publish.add();
                    if (i % 3 == 0) {
                        Thread.onSpinWait();
                    }
                    publish.remove();
                }
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(publish.size()).isZero();
        assertThat(publish.isFull()).isFalse();
        assertThat(backlogs.holding()).isFalse();
        for (int i = 0; i < holds.size(); i++) {
            assertThat(holds.get(i)).as("state %d of %d", i, holds.size()).isEqualTo(i % 2 == 0);
        }
    }
}
