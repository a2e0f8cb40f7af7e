package io.cellhub.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NumberReadingTest {

    private static void assertReads(double expected, String text) {
        OptionalDouble read = NumberReading.read(text);
        assertTrue(read.isPresent(), () -> "expected '" + text + "' to read as " + expected);
        assertEquals(expected, read.getAsDouble(), 0.0, text);
    }

    private static void assertNotANumber(String text) {
        OptionalDouble read = NumberReading.read(text);
        assertFalse(read.isPresent(), () -> "expected '" + text + "' not to be a number, got " + read);
    }

    @Test
    void integerReads() {
        assertReads(21.0, "21");
    }

    @Test
    void decimalReads() {
        assertReads(21.5, "21.5");
    }

    @Test
    void negativeExponentFormReads() {
        assertReads(-300.0, "-3e2");
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertReads(7.0, " 7 ");
        assertReads(7.0, "\n\t7\r\n");
    }

    @ParameterizedTest
    @CsvSource({ "0, 0", "-0.5, -0.5", "1E3, 1000", "2.5e-1, 0.25", "+4, 4", ".5, 0.5", "12345678901234567890, 1.2345678901234567E19",
            "5., 5", "+.5, 0.5", "-1.5E+2, -150", "007, 7" })
    void jsonAndPlainNumberFormsRead(String text, double expected) {
        assertReads(expected, text);
    }

    @Test
    void objectWithOneNumericFieldReadsThatField() {
        assertReads(3.0, "{\"temperatur\": 3, \"type\": \"robot front\"}");
    }

    @Test
    void objectWithOneFloatFieldAmongNonNumericFieldsReads() {
        assertReads(-1.25, "{\"ok\": true, \"v\": -1.25, \"note\": null, \"tags\": [1, 2, 3]}");
    }

    @Test
    void objectWithTwoNumericFieldsIsNotANumber() {
        assertNotANumber("{\"x\": 1, \"y\": 2}");
    }

    @Test
    void nestedObjectIsIgnoredButTopLevelNumericSiblingCounts() {
        assertReads(5.0, "{\"pose\": {\"x\": 1, \"y\": 2}, \"speed\": 5}");
        assertReads(5.0, "{\"speed\": 5, \"pose\": {\"x\": 1, \"y\": 2}}");
    }

    @Test
    void objectWithOnlyNestedNumbersIsNotANumber() {
        assertNotANumber("{\"pose\": {\"x\": 1}}");
        assertNotANumber("{\"values\": [1]}");
    }

    @Test
    void objectWithNoFieldsIsNotANumber() {
        assertNotANumber("{}");
    }

    @Test
    void objectWithWhitespaceAroundReads() {
        assertReads(3.0, "  {\"t\": 3}\n");
    }

    @ParameterizedTest
    @ValueSource(strings = { "NaN", "-NaN", "Infinity", "-Infinity", "1d", "1f", "0x10", "0X1F", "", "   ", "abc", "1 2",
            "1,5", "1e", "e5", "-", ".", "1e400", "21 C",
            "+", "+-1", "--1", "1.5.2", "1..2", ".e1", "1e+", "1e-", "1e2.5", "\u0661\u0662", "1\u00a0" })
    void nonNumbersAreEmpty(String text) {
        assertNotANumber(text);
    }

    @ParameterizedTest
    @ValueSource(strings = { "{\"a\":", "{\"a\": 1", "{\"a\": 1}}", "{\"a\": 1} x", "{\"a\": 1}{\"b\": 2}", "{a: 1}",
            "{\"a\": NaN}", "{\"a\": 1e400}", "[1]", "\"5\"" })
    void malformedOrNonObjectJsonIsEmpty(String text) {
        assertNotANumber(text);
    }
}
