package io.cellhub.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TopicEntryTest {

    @Test
    void aTopicWithAFewMessagesHoldsRoomForAFewNotForTheWholeHistory() {
        TopicEntry entry = new TopicEntry(100);
        entry.add(message(1, new Random(1)));
        assertThat(entry.slots()).isEqualTo(PayloadRing.FIRST_SLOTS);

        for (int n = 2; n <= 5; n++) {
            entry.add(message(n, new Random(n)));
        }
        assertThat(entry.slots()).as("doubled once the first slots were full").isEqualTo(2 * PayloadRing.FIRST_SLOTS);

        for (int n = 6; n <= 250; n++) {
            entry.add(message(n, new Random(n)));
        }
        assertThat(entry.slots()).as("at most the history's size").isEqualTo(100);
        assertThat(entry.history()).hasSize(100);
        assertThat(entry.history().get(0).payload().text().orElseThrow()).isEqualTo("message 151");
        assertThat(entry.history().get(99).payload().text().orElseThrow()).isEqualTo("message 250");
    }

    /** Through every growth of the arrays and every wrap of the ring, with and without MQTT 5 properties. */
    @Test
    void theHistoryIsTheLastMessagesOldestFirstWhateverTheirNumber() {
        Random random = new Random(42);
        for (int historySize : new int[] { 1, 2, 3, 4, 5, 9, 100 }) {
            TopicEntry entry = new TopicEntry(historySize);
            Deque<TopicMessage> expected = new ArrayDeque<>();
            for (int n = 1; n <= 300; n++) {
                TopicMessage message = message(n, random);
                entry.add(message);
                expected.addLast(message);
                if (expected.size() > historySize) {
                    expected.removeFirst();
                }
                List<TopicMessage> history = entry.history();
                assertThat(history).as("history of %d after %d messages", historySize, n).hasSize(expected.size());
                Iterator<TopicMessage> oldestFirst = expected.iterator();
                for (TopicMessage held : history) {
                    TopicMessage sent = oldestFirst.next();
                    assertThat(held.payload().text().orElseThrow()).isEqualTo(sent.payload().text().orElseThrow());
                    assertThat(held.qos()).isEqualTo(sent.qos());
                    assertThat(held.retained()).isEqualTo(sent.retained());
                    assertThat(held.replayed()).isEqualTo(sent.replayed());
                    assertThat(held.receivedAt()).isEqualTo(sent.receivedAt());
                    assertThat(held.properties().contentType()).isEqualTo(sent.properties().contentType());
                }
                assertThat(entry.snapshot()).hasValueSatisfying(snapshot -> assertThat(snapshot.last()).isSameAs(message));
            }
        }
    }

    private static TopicMessage message(int n, Random random) {
        MessageProperties properties = random.nextInt(10) == 0
                ? MessageProperties.of("text/plain;n=" + n, null, List.of(), null, null, -1)
                : MessageProperties.NONE;
        boolean retained = random.nextBoolean();
        return new TopicMessage("cell/t", Payload.ofText("message " + n), random.nextInt(3), retained,
                Instant.ofEpochSecond(1_700_000_000L + n, random.nextInt(1_000_000_000)), retained && random.nextBoolean(), properties);
    }
}
