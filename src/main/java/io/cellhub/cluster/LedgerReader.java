package io.cellhub.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads an ingest space's last committed ledger records back from the owner topic, for the
 * {@link IngestSession} that takes the space over once the previous owner is fenced. It reads as far
 * back as it takes to fill the ledger ({@link IngestLedger#CAPACITY} messages, more than the broker
 * sends without acknowledgement), because a killed owner's last PUBACKs can be lost by the thousand
 * (unsent in its socket when the kernel resets the connection).
 */
final class LedgerReader {

    /** Offsets of the owner topic read back at first; four times as many at each further step. */
    private static final int FIRST_STEP = 64;
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private LedgerReader() {
    }

    /** The ledger of the space's records in the owner topic, the newest last. */
    static IngestLedger last(ClusterMode mode, int space) {
        Properties properties = mode.plainConsumer("ingest-ledger-" + space);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        // Each step back seeks behind a fetch the consumer already sent from the partition's end, where the broker
        // holds it for fetch.max.wait.ms (500 ms by default) as nothing new comes: 1.1 s of a takeover went so.
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            TopicPartition partition = new TopicPartition(mode.ingestOwnerTopic(), space);
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), PATIENCE).get(partition);
            // back from the end in growing steps, each offset read once, until the ledger is full or the partition read
            List<byte[]> records = new ArrayList<>();
            long to = end;
            long back = FIRST_STEP;
            while (true) {
                long from = Math.max(0, to - back);
                List<byte[]> older = read(consumer, partition, from, to);
                older.addAll(records);
                records = older;
                IngestLedger ledger = IngestLedger.decode(records);
                if (ledger.size() >= IngestLedger.CAPACITY || from == 0) {
                    return ledger;
                }
                to = from;
                back *= 4;
            }
        }
    }

    /** The values of the records from offset {@code from} up to, not including, {@code end}. */
    private static List<byte[]> read(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long from, long end) {
        List<byte[]> records = new ArrayList<>();
        if (from >= end) {
            return records;
        }
        consumer.seek(partition, from);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (consumer.position(partition) < end && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < end) {
                    records.add(record.value());
                }
            }
        }
        return records;
    }
}
