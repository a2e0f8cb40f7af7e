package io.cellhub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedeliveriesTest {

    private static final IngestLedger WRITTEN = IngestLedger.empty().append(new int[] { 1, 2, 3 }).append(new int[] { 4, 5 });

    @Test
    void theLedgersTailSentAgainIsFoundAndWhatFollowsIsNew() {
        Redeliveries redeliveries = new Redeliveries(WRITTEN);

        assertThat(redeliveries.offer(3)).isEqualTo(Redeliveries.UNDECIDED);
        assertThat(redeliveries.offer(4)).isEqualTo(Redeliveries.UNDECIDED);
        assertThat(redeliveries.offer(5)).as("3, 4, 5 are the written tail").isEqualTo(3);
    }

    @Test
    void aFirstMessageNotInTheLedgerEndsTheSearchAtOnce() {
        assertThat(new Redeliveries(WRITTEN).offer(9)).isZero();
    }

    @Test
    void messagesMatchingTheLedgerButNotUpToItsEndAreNew() {
        Redeliveries redeliveries = new Redeliveries(WRITTEN);

        assertThat(redeliveries.offer(2)).isEqualTo(Redeliveries.UNDECIDED);
        assertThat(redeliveries.offer(3)).isEqualTo(Redeliveries.UNDECIDED);
        assertThat(redeliveries.offer(9)).as("2, 3 were acknowledged; 9 broke the match before the ledger's end").isZero();
    }

    @Test
    void withRepeatedValuesTheLongestCompletedTailCounts() {
        Redeliveries redeliveries = new Redeliveries(IngestLedger.empty().append(new int[] { 7, 8, 7, 8 }));

        assertThat(redeliveries.offer(7)).isEqualTo(Redeliveries.UNDECIDED);
        assertThat(redeliveries.offer(8)).as("7, 8 complete a tail, 7, 8, 7, 8 may still").isEqualTo(Redeliveries.UNDECIDED);
        assertThat(redeliveries.offer(1)).as("the longer tail broke: only the first two are written ones").isEqualTo(2);
    }

    @Test
    void decidingEarlyCountsOnlyACompletedTail() {
        Redeliveries partial = new Redeliveries(WRITTEN);
        partial.offer(3);
        partial.offer(4);
        assertThat(partial.decide()).isZero();
        assertThat(partial.held()).isEqualTo(2);

        Redeliveries repeated = new Redeliveries(IngestLedger.empty().append(new int[] { 7, 8, 7, 8 }));
        repeated.offer(7);
        repeated.offer(8);
        assertThat(repeated.decide()).isEqualTo(2);
    }

    @Test
    void anEmptyLedgerHasNoRedeliveries() {
        assertThat(new Redeliveries(IngestLedger.empty()).offer(1)).isZero();
    }
}
