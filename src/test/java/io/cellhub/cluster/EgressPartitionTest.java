package io.cellhub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class EgressPartitionTest {

    private static EgressPartition publishedAndAcknowledged(int records) {
        EgressPartition partition = new EgressPartition(1, 0, 0);
        for (int offset = 0; offset < records; offset++) {
            partition.published(offset, false);
            partition.acknowledged(offset);
        }
        partition.advance();
        return partition;
    }

    @Test
    void aRefusedCommitKeepsItsRecordsInTheWindowAndIsAskedForAgain() {
        EgressPartition partition = publishedAndAcknowledged(10);

        assertThat(partition.toCommit(false)).isEqualTo(10);
        partition.refused();

        assertThat(partition.size()).as("Kafka did not confirm: the next owner would publish them again").isEqualTo(10);
        assertThat(partition.toCommit(false)).isEqualTo(10);
        assertThat(partition.confirmed(10)).isEqualTo(10);
        assertThat(partition.size()).isZero();
        assertThat(partition.committed()).isEqualTo(10);
    }

    @Test
    void aCommitInFlightIsNotAskedForAgainUnlessTheCallerMustWaitForOne() {
        EgressPartition partition = publishedAndAcknowledged(5);

        assertThat(partition.toCommit(false)).isEqualTo(5);
        assertThat(partition.toCommit(false)).as("asked for, not yet answered").isEqualTo(-1);
        assertThat(partition.toCommit(true)).as("a revocation commits and waits, whatever is in flight").isEqualTo(5);
        assertThat(partition.size()).isEqualTo(5);
    }

    @Test
    void theCommittableOffsetStopsAtTheFirstRecordTheBrokerHasNotAcknowledged() {
        EgressPartition partition = new EgressPartition(1, 100, 100);
        for (long offset = 100; offset < 105; offset++) {
            partition.published(offset, offset == 102);
        }
        partition.acknowledged(100);
        partition.acknowledged(103);
        partition.advance();

        assertThat(partition.committable()).isEqualTo(101);
        assertThat(partition.awaitingAcknowledgement()).isTrue();
        partition.acknowledged(101);
        partition.advance();
        assertThat(partition.committable()).as("102 needed no publish, 103 is acknowledged, 104 is not").isEqualTo(104);
    }

    @Test
    void aRetryKeepsTheAcknowledgedRecordsUntilACommitCoversThemAndDropsTheRest() {
        EgressPartition partition = new EgressPartition(1, 0, 0);
        for (int offset = 0; offset < 5; offset++) {
            partition.published(offset, false);
        }
        partition.acknowledged(0);
        partition.acknowledged(1);
        partition.acknowledged(3);
        partition.advance();

        EgressPartition retry = partition.retry(2);

        assertThat(retry.generation()).isEqualTo(2);
        assertThat(retry.committable()).isEqualTo(2);
        assertThat(retry.size()).as("0 and 1: published, not committed; 2 to 4 are published again").isEqualTo(2);
        assertThat(retry.committed()).isZero();
        assertThat(retry.toCommit(false)).isEqualTo(2);
        assertThat(retry.confirmed(2)).isEqualTo(2);
    }

    /**
     * Whatever Kafka confirms or refuses, and in whatever order its answers come, every record published
     * past the last confirmed commit is in the window: the window's size bounds what a next owner publishes
     * again.
     */
    @Test
    void everyRecordPublishedPastTheLastConfirmedCommitStaysInTheWindow() {
        Random random = new Random(20);
        for (int run = 0; run < 200; run++) {
            EgressPartition partition = new EgressPartition(1, 0, 0);
            List<Long> asked = new ArrayList<>();
            long next = 0;
            long confirmed = 0;
            for (int step = 0; step < 300; step++) {
                switch (random.nextInt(5)) {
                    case 0, 1 -> partition.published(next++, random.nextInt(10) == 0);
                    case 2 -> {
                        if (next > 0) {
                            partition.acknowledged(random.nextLong(Math.max(1, confirmed), next + 1) - 1);
                            partition.advance();
                        }
                    }
                    case 3 -> {
                        long offset = partition.toCommit(random.nextInt(4) == 0);
                        if (offset >= 0) {
                            asked.add(offset);
                        }
                    }
                    default -> {
                        if (!asked.isEmpty()) {
                            long offset = asked.remove(random.nextInt(asked.size()));
                            if (random.nextBoolean()) {
                                partition.confirmed(offset);
                                confirmed = Math.max(confirmed, offset);
                            } else {
                                partition.refused();
                            }
                        }
                    }
                }
                assertThat(partition.committed()).isEqualTo(confirmed);
                assertThat(partition.size()).as("run %d step %d", run, step).isEqualTo((int) (next - confirmed));
                assertThat(partition.committable()).isLessThanOrEqualTo(next);
            }
        }
    }
}
