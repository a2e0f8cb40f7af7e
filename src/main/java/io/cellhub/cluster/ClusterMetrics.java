package io.cellhub.cluster;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** What this replica did in cluster mode, as {@code cellhub_cluster_*} metrics and for {@code /api/status}. */
@Singleton
public class ClusterMetrics {

    private final Counter ingested;
    private final Counter ingestDuplicates;
    private final Counter egressPublished;
    private final Counter egressReplayed;
    private final Counter journalRows;
    private final AtomicLong replayedTotal = new AtomicLong();
    private final AtomicLong ingestedTotal = new AtomicLong();
    private final AtomicLong publishedTotal = new AtomicLong();

    public ClusterMetrics(MeterRegistry registry) {
        ingested = Counter.builder("cellhub.cluster.ingested").description("MQTT messages this replica wrote to Kafka")
                .register(registry);
        ingestDuplicates = Counter.builder("cellhub.cluster.ingest.duplicates.skipped")
                .description("Redelivered MQTT messages a previous ingest owner had already written to Kafka").register(registry);
        egressPublished = Counter.builder("cellhub.cluster.egress.published")
                .description("Rule outputs this replica published to MQTT").register(registry);
        egressReplayed = Counter.builder("cellhub.cluster.egress.replayed")
                .description("Rule outputs published again after a takeover because the replica before may have "
                        + "published them: the most duplicates a takeover can cause")
                .register(registry);
        journalRows = Counter.builder("cellhub.cluster.journal.rows")
                .description("Kafka records this replica wrote to the journal").register(registry);
    }

    void ingested(int count) {
        ingested.increment(count);
        ingestedTotal.addAndGet(count);
    }

    void ingestDuplicateSkipped() {
        ingestDuplicates.increment();
    }

    void published() {
        egressPublished.increment();
        publishedTotal.incrementAndGet();
    }

    void replayed(long count) {
        egressReplayed.increment(count);
        replayedTotal.addAndGet(count);
    }

    void journaled(int rows) {
        journalRows.increment(rows);
    }

    public long ingestedTotal() {
        return ingestedTotal.get();
    }

    public long publishedTotal() {
        return publishedTotal.get();
    }

    public long replayedTotal() {
        return replayedTotal.get();
    }
}
