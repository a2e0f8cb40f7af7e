package io.cellhub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class IngestLedgerTest {

    private static int sum(String topic, String payload) {
        return IngestLedger.checksum(topic, payload.getBytes(StandardCharsets.UTF_8));
    }

    private static int[] entries(IngestLedger ledger) {
        return IntStream.range(0, ledger.size()).map(ledger::at).toArray();
    }

    @Test
    void consecutiveTransactionsRecordsDecodeToTheirMessagesInArrivalOrder() {
        int[] first = { sum("cell1/temperature1", "21"), sum("cell2/temperature1", "22") };
        int[] second = { sum("cell1/temperature1", "23") };

        IngestLedger ledger = IngestLedger.decode(List.of(IngestLedger.encode(first), IngestLedger.encode(second)));

        assertThat(entries(ledger)).containsExactly(first[0], first[1], second[0]);
    }

    @Test
    void theChecksumTellsTopicAndPayloadApart() {
        assertThat(sum("cell1/temperature1", "21")).isNotEqualTo(sum("cell1/temperature1", "22"))
                .isNotEqualTo(sum("cell2/temperature1", "21"));
        assertThat(sum("a/b", "c")).isNotEqualTo(sum("a/bc", ""));
    }

    @Test
    void theLedgerKeepsOnlyTheLastEntriesUpToItsCapacity() {
        int[] many = IntStream.range(0, IngestLedger.CAPACITY - 10).toArray();
        int[] more = IntStream.range(100_000, 100_020).toArray();

        IngestLedger ledger = IngestLedger.empty().append(many).append(more);

        assertThat(ledger.size()).isEqualTo(IngestLedger.CAPACITY);
        assertThat(ledger.at(0)).isEqualTo(10);
        assertThat(Arrays.copyOfRange(entries(ledger), IngestLedger.CAPACITY - 20, IngestLedger.CAPACITY)).containsExactly(more);
    }

    @Test
    void manyRecordsDecodeToTheLastEntriesAsAppendingThemOneByOneWould() {
        List<byte[]> records = new ArrayList<>();
        IngestLedger appended = IngestLedger.empty();
        int next = 0;
        for (int transaction = 0; transaction < 3_000; transaction++) {
            int[] checksums = IntStream.range(next, next + transaction % 50).toArray(); // some transactions have none
            next += checksums.length;
            records.add(IngestLedger.encode(checksums));
            appended = appended.append(checksums);
        }
        records.add(3, null);

        IngestLedger decoded = IngestLedger.decode(records);

        assertThat(decoded.size()).isEqualTo(IngestLedger.CAPACITY);
        assertThat(entries(decoded)).containsExactly(entries(appended));
        assertThat(decoded.at(IngestLedger.CAPACITY - 1)).isEqualTo(next - 1);
    }

    @Test
    void appendingPastTheCapacityKeepsTheLastEntriesInArrivalOrder() {
        IngestLedger ledger = IngestLedger.empty();
        List<Integer> all = new ArrayList<>();
        int next = 0;
        for (int transaction = 0; transaction < 3_000; transaction++) {
            int[] checksums = IntStream.range(next, next + transaction % 97).toArray(); // some transactions have none
            next += checksums.length;
            ledger.append(checksums);
            Arrays.stream(checksums).forEach(all::add);
        }

        assertThat(all).hasSizeGreaterThan(2 * IngestLedger.CAPACITY); // the ring went round more than twice
        assertThat(entries(ledger)).containsExactly(
                all.subList(all.size() - IngestLedger.CAPACITY, all.size()).stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void aSnapshotStaysAsItWasWhileTheLedgerGoesOn() {
        IngestLedger ledger = IngestLedger.empty().append(new int[] { 1, 2, 3 });

        IngestLedger snapshot = ledger.snapshot();
        ledger.append(IntStream.range(10, 10 + IngestLedger.CAPACITY).toArray());

        assertThat(entries(snapshot)).containsExactly(1, 2, 3);
        assertThat(ledger.size()).isEqualTo(IngestLedger.CAPACITY);
        assertThat(ledger.at(0)).isEqualTo(10);
    }

    @Test
    void missingOrTruncatedRecordsCountAsEmpty() {
        assertThat(IngestLedger.decode(Arrays.asList(null, new byte[2])).size()).isZero();
        byte[] truncated = Arrays.copyOf(IngestLedger.encode(new int[] { 1, 2, 3 }), 4 + 8);
        assertThat(entries(IngestLedger.decode(List.of(truncated)))).containsExactly(1, 2);
    }
}
