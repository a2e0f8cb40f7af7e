package io.cellhub.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Random;

import org.junit.jupiter.api.Test;

class PayloadRingTest {

    @Test
    void keepsTheLastPayloadsNewestFirst() {
        PayloadRing ring = new PayloadRing(3);
        for (int i = 1; i <= 5; i++) {
            ring.add(("value " + i).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(ring.size()).isEqualTo(3);
        assertThat(text(ring.get(0))).isEqualTo("value 5");
        assertThat(text(ring.get(1))).isEqualTo("value 4");
        assertThat(text(ring.get(2))).isEqualTo("value 3");
        assertThatThrownBy(() -> ring.get(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void growsForALargePayloadAndShrinksOnceItHasLeft() {
        PayloadRing ring = new PayloadRing(4);
        ring.add("small".getBytes(StandardCharsets.UTF_8));
        int small = ring.capacity();
        byte[] large = new byte[100_000];
        new Random(7).nextBytes(large);
        ring.add(large);
        assertThat(ring.capacity()).isGreaterThanOrEqualTo(100_005);
        assertThat(ring.get(0)).isEqualTo(large);
        assertThat(text(ring.get(1))).isEqualTo("small");
        for (int i = 0; i < 4; i++) {
            ring.add(("after " + i).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(ring.capacity()).as("after the large payload left the ring").isEqualTo(small);
        assertThat(text(ring.get(3))).isEqualTo("after 0");
    }

    @Test
    void holdsEmptyPayloadsAndASingleSlot() {
        PayloadRing ring = new PayloadRing(1);
        ring.add(new byte[0]);
        assertThat(ring.get(0)).isEmpty();
        ring.add("x".getBytes(StandardCharsets.UTF_8));
        assertThat(ring.size()).isEqualTo(1);
        assertThat(text(ring.get(0))).isEqualTo("x");
    }

    @Test
    void aRingAtItsByteLimitLetsItsOldestPayloadsLeaveEarly() {
        PayloadRing ring = new PayloadRing(10, 1024);
        byte[] first = filled(400, 1);
        byte[] second = filled(400, 2);
        byte[] third = filled(400, 3);
        ring.add(first);
        ring.add(second);
        ring.add(third);
        assertThat(ring.size()).as("1,200 bytes do not fit in 1,024").isEqualTo(2);
        assertThat(ring.get(0)).isEqualTo(third);
        assertThat(ring.get(1)).isEqualTo(second);
        assertThat(ring.capacity()).isLessThanOrEqualTo(1024);

        ring.add(filled(1024, 4));
        assertThat(ring.size()).isEqualTo(1);
        for (int i = 0; i < 12; i++) {
            ring.add(filled(10, i));
        }
        assertThat(ring.size()).as("small payloads fill every slot again").isEqualTo(10);
        assertThat(ring.get(9)).isEqualTo(filled(10, 2));
        assertThatThrownBy(() -> ring.add(new byte[1025])).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] filled(int length, int value) {
        byte[] payload = new byte[length];
        java.util.Arrays.fill(payload, (byte) value);
        return payload;
    }

    /** Payloads of every size, wrapping around the array's end and through growth and shrinking. */
    @Test
    void givesBackWhatAQueueOfTheSameSlotsWouldHold() {
        Random random = new Random(42);
        for (int slots : new int[] { 1, 2, 7, 100 }) {
            PayloadRing ring = new PayloadRing(slots);
            Deque<byte[]> expected = new ArrayDeque<>();
            for (int n = 0; n < 20_000; n++) {
                int size = random.nextInt(50) == 0 ? random.nextInt(5_000) : random.nextInt(40);
                byte[] payload = new byte[size];
                random.nextBytes(payload);
                ring.add(payload);
                expected.addFirst(payload);
                if (expected.size() > slots) {
                    expected.removeLast();
                }
                assertThat(ring.size()).isEqualTo(expected.size());
                if (n % 97 == 0 || n > 19_990) {
                    Iterator<byte[]> newestFirst = expected.iterator();
                    for (int age = 0; age < ring.size(); age++) {
                        assertThat(ring.get(age)).as("%d slots, after %d payloads, age %d (%s)", slots, n + 1, age, ring)
                                .isEqualTo(newestFirst.next());
                    }
                }
            }
        }
    }

    /** Slots that grow while the byte limit lets payloads leave early, so the ring wraps before it grows. */
    @Test
    void atItsByteLimitGivesBackWhatAQueueBoundedInSlotsAndBytesWouldHold() {
        Random random = new Random(7);
        for (int slots : new int[] { 3, 9, 100 }) {
            PayloadRing ring = new PayloadRing(slots, 4096);
            Deque<byte[]> expected = new ArrayDeque<>();
            int bytes = 0;
            for (int n = 0; n < 5_000; n++) {
                byte[] payload = new byte[random.nextInt(8) == 0 ? random.nextInt(4096) : random.nextInt(30)];
                random.nextBytes(payload);
                ring.add(payload);
                expected.addFirst(payload);
                bytes += payload.length;
                while (expected.size() > slots || bytes > 4096) {
                    bytes -= expected.removeLast().length;
                }
                assertThat(ring.size()).as("%d slots, after %d payloads (%s)", slots, n + 1, ring).isEqualTo(expected.size());
                Iterator<byte[]> newestFirst = expected.iterator();
                for (int age = 0; age < ring.size(); age++) {
                    assertThat(ring.get(age)).as("%d slots, after %d payloads, age %d (%s)", slots, n + 1, age, ring)
                            .isEqualTo(newestFirst.next());
                }
            }
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
