package io.cellhub.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import io.cellhub.topic.RateLimitedWarning;
import io.cellhub.topic.TopicListener;
import io.cellhub.topic.TopicMessage;
import io.cellhub.topic.TrafficMetrics;

/**
 * The whole fleet's live state on every replica: a consumer without a group reads every partition of
 * the ingest topic, from {@code cellhub.cluster.view.replay} back at start, and hands each message, in
 * partition order, to the listeners that are not rules (live topics, SSE stream, retained mirror,
 * device sessions). So every replica's dashboard shows every cell, at the cost of every replica
 * reading the whole ingest stream (docs/SCALE-OUT.md).
 */
final class LiveView {

    private static final Logger LOG = Logger.getLogger(LiveView.class);

    private final ClusterMode mode;
    private final List<TopicListener> listeners;
    private final TrafficMetrics metrics;
    private final RateLimitedWarning listenerFailure = new RateLimitedWarning(LOG, Duration.ofSeconds(10));
    private final AtomicLong lag = new AtomicLong();
    private volatile boolean running;
    private volatile boolean caughtUp;
    private KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    LiveView(ClusterMode mode, List<TopicListener> listeners, TrafficMetrics metrics) {
        this.mode = mode;
        this.listeners = List.copyOf(listeners);
        this.metrics = metrics;
    }

    void start() {
        running = true;
        consumer = new KafkaConsumer<>(mode.plainConsumer("view"));
        thread = ConsumerThread.start("cellhub-live-view", this::run);
    }

    void stop() {
        running = false;
        ConsumerThread.stop(consumer, thread, 10_000);
    }

    /** Records of the ingest topic this replica's view has not read yet. */
    long lag() {
        return lag.get();
    }

    /** Whether the view has read what was in the ingest topic when it started. */
    boolean caughtUp() {
        return caughtUp;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(mode.ingestTopic(), Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            seekBack(partitions);
            Map<TopicPartition, Long> startEnds = consumer.endOffsets(partitions);
            long lastLag = 0;
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    TopicMessage message = MqttRecords.message(record.headers(), record.value(), record.timestamp());
                    if (message != null) {
                        deliver(message);
                    }
                }
                long now = System.nanoTime();
                if (now - lastLag > 1_000_000_000L) {
                    lastLag = now;
                    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                    long behind = 0;
                    boolean reached = true;
                    for (TopicPartition partition : partitions) {
                        long position = consumer.position(partition);
                        behind += Math.max(0, ends.get(partition) - position);
                        reached &= position >= startEnds.get(partition);
                    }
                    lag.set(behind);
                    caughtUp = caughtUp || reached;
                }
            }
        } catch (WakeupException stopping) {
            // stop() woke the poll
        } catch (RuntimeException e) {
            LOG.errorf(e, "The live view failed; this replica's dashboard stops updating until it restarts");
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void seekBack(List<TopicPartition> partitions) {
        long since = Instant.now().minus(mode.config().view().replay()).toEpochMilli();
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(partition -> times.put(partition, since));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp at = offsets.get(partition);
            if (at != null) {
                consumer.seek(partition, at.offset());
            } else {
                consumer.seekToEnd(List.of(partition));
            }
        }
        LOG.infof("Live view: reading the %d partitions of %s from %s back", partitions.size(), mode.ingestTopic(),
                mode.config().view().replay());
    }

    private void deliver(TopicMessage message) {
        metrics.received();
        for (TopicListener listener : listeners) {
            try {
                listener.onMessage(message);
            } catch (RuntimeException e) {
                listenerFailure.occurred(count -> String.format("%s failed on a message on %s (%d such failures since the last "
                        + "warning): %s", listener.getClass().getSimpleName(), message.topic(), count, e));
            }
        }
    }

}
