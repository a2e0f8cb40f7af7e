package io.cellhub.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedeliveriesTest {

    private static final IngestLedger WRITTEN = IngestLedger.empty().append(new int[] { 1, 2, 3 }).append(new int[] { 4, 5 });

    @Test
    void theLedgersTailSentAgainIsFoundAndWhatFollowsIsNew() {
        Redeliveries redeliveries = new Redeliveries(WRITTEN);

        assertThat(redeliveries.offer(3, 0)).isEqualTo(Redeliveries.UNDECIDED);
        assertThat(redeliveries.offer(4, 0)).isEqualTo(Redeliveries.UNDECIDED);
        assertThat(redeliveries.offer(5, 0)).as("3, 4, 5 are the written tail").isEqualTo(3);
    }

    @Test
    void aFirstMessageNotInTheLedgerEndsTheSearchAtOnce() {
        assertThat(new Redeliveries(WRITTEN).offer(9, 0)).isZero();
    }

    @Test
    void messagesMatchingTheLedgerButNotUpToItsEndAreNew() {
        Redeliveries redeliveries = new Redeliveries(WRITTEN);

        assertThat(redeliveries.offer(2, 0)).isEqualTo(Redeliveries.UNDECIDED);
        assertThat(redeliveries.offer(3, 0)).isEqualTo(Redeliveries.UNDECIDED);
        assertThat(redeliveries.offer(9, 0)).as("2, 3 were acknowledged; 9 broke the match before the ledger's end").isZero();
    }

    @Test
    void withRepeatedValuesTheLongestCompletedTailCounts() {
        Redeliveries redeliveries = new Redeliveries(IngestLedger.empty().append(new int[] { 7, 8, 7, 8 }));

        assertThat(redeliveries.offer(7, 0)).isEqualTo(Redeliveries.UNDECIDED);
        assertThat(redeliveries.offer(8, 0)).as("7, 8 complete a tail, 7, 8, 7, 8 may still").isEqualTo(Redeliveries.UNDECIDED);
        assertThat(redeliveries.offer(1, 0)).as("the longer tail broke: only the first two are written ones").isEqualTo(2);
    }

    @Test
    void decidingEarlyCountsOnlyACompletedTail() {
        Redeliveries partial = new Redeliveries(WRITTEN);
        partial.offer(3, 0);
        partial.offer(4, 0);
        assertThat(partial.decide()).isZero();
        assertThat(partial.held()).isEqualTo(2);

        Redeliveries repeated = new Redeliveries(IngestLedger.empty().append(new int[] { 7, 8, 7, 8 }));
        repeated.offer(7, 0);
        repeated.offer(8, 0);
        assertThat(repeated.decide()).isEqualTo(2);
    }

    @Test
    void anEmptyLedgerHasNoRedeliveries() {
        assertThat(new Redeliveries(IngestLedger.empty()).offer(1, 0)).isZero();
    }

    /**
     * A resend that pauses (the replica's MQTT thread starved, a full collection) is still a resend: the held
     * messages stay undecided until no more came for {@link Redeliveries#SILENCE}, counted from the last one.
     * Deciding 200 ms after the first one, as before, wrote thousands of resent messages a second time.
     */
    @Test
    void aPauseWithinTheResendDoesNotEndItOnlyASilenceSinceTheLastMessageDoes() {
        long second = 1_000_000_000L;
        long silence = Redeliveries.SILENCE.toNanos();
        Redeliveries redeliveries = new Redeliveries(WRITTEN);

        assertThat(redeliveries.silent(0)).as("nothing held").isFalse();
        redeliveries.offer(3, 0);
        assertThat(redeliveries.silent(silence)).isFalse();
        redeliveries.offer(4, silence);
        assertThat(redeliveries.silent(2 * silence)).as("counted from the last message").isFalse();
        assertThat(redeliveries.matching()).isTrue();
        assertThat(redeliveries.silent(2 * silence + second)).isTrue();
        assertThat(redeliveries.offer(5, 2 * silence + second)).as("had it come late, the tail is still found").isEqualTo(3);
        assertThat(redeliveries.matching()).isFalse();
    }
}
