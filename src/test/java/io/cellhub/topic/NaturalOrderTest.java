package io.cellhub.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class NaturalOrderTest {

    @Test
    void numbersInNamesCompareByValue() {
        List<String> names = new ArrayList<>(List.of("line10", "line2", "line1", "robotcell101", "robotcell1000",
                "robotcell2", "a", "", "line02", "b0", "a9b", "a10a"));
        names.sort(NaturalOrder.INSTANCE);
        assertEquals(List.of("", "a", "a9b", "a10a", "b0", "line1", "line02", "line2", "line10", "robotcell2",
                "robotcell101", "robotcell1000"), names);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("a0b19-/$").ofMaxLength(6);
    }

    /** A comparator a sorted map can rely on: antisymmetric, transitive, and zero only for equal names. */
    @Property(tries = 3000)
    void isATotalOrder(@ForAll("names") String a, @ForAll("names") String b, @ForAll("names") String c) {
        NaturalOrder order = NaturalOrder.INSTANCE;
        assertEquals(Integer.signum(order.compare(a, b)), -Integer.signum(order.compare(b, a)), a + " / " + b);
        if (!a.equals(b)) {
            assertNotEquals(0, order.compare(a, b), a + " / " + b);
        }
        if (order.compare(a, b) <= 0 && order.compare(b, c) <= 0) {
            assertTrue(order.compare(a, c) <= 0, a + " <= " + b + " <= " + c);
        }
    }
}
