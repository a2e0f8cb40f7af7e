package io.cellhub.topic;

import java.io.IOException;
import java.util.OptionalDouble;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Reads a number out of a text payload the way the fleet writes them: plain decimal text
 * ({@code 21}, {@code 21.5}, {@code -3e2}), which covers JSON numbers too, or a JSON object: its
 * configured numeric field ({@code cellhub.topics.number-field}) when present, else its only numeric
 * top-level field, such as the notebook's {@code {"temperatur": 3, "type": "robot front"}}.
 * Anything else, including {@code NaN}, {@code Infinity} and Java-only forms like {@code 1d} or hex,
 * is not a number.
 */
public final class NumberReading {

    /** Reads JSON objects by their only numeric field. */
    public static final NumberReading DEFAULT = new NumberReading(null);

    private static final JsonFactory JSON = new JsonFactory();

    private final String field;

    private NumberReading(String field) {
        this.field = field;
    }

    /** Reads JSON objects by {@code field} when they have it as a number, else by their only numeric field. */
    public static NumberReading preferringField(String field) {
        return new NumberReading(field);
    }

    public static OptionalDouble read(String text) {
        return DEFAULT.number(text);
    }

    public OptionalDouble number(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return OptionalDouble.empty();
        }
        if (trimmed.charAt(0) == '{') {
            return numericField(trimmed);
        }
        return decimal(trimmed);
    }

    static OptionalDouble decimal(String text) {
        if (text.length() > 64 || !isDecimal(text)) {
            return OptionalDouble.empty();
        }
        double value = Double.parseDouble(text);
        return Double.isFinite(value) ? OptionalDouble.of(value) : OptionalDouble.empty();
    }

    /**
     * True when the text is {@code [+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?}, the plain decimal forms
     * {@link Double#parseDouble} reads. A scan rather than a regex: it runs for every numeric input.
     */
    static boolean isDecimal(String text) {
        int i = 0;
        int end = text.length();
        if (i < end && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            i++;
        }
        int integerDigits = digits(text, i);
        i += integerDigits;
        int fractionDigits = 0;
        if (i < end && text.charAt(i) == '.') {
            i++;
            fractionDigits = digits(text, i);
            i += fractionDigits;
        }
        if (integerDigits == 0 && fractionDigits == 0) {
            return false;
        }
        if (i < end && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < end && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                i++;
            }
            int exponentDigits = digits(text, i);
            if (exponentDigits == 0) {
                return false;
            }
            i += exponentDigits;
        }
        return i == end;
    }

    private static int digits(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i - from;
    }

    private OptionalDouble numericField(String json) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return OptionalDouble.empty();
            }
            double found = 0;
            int numericFields = 0;
            OptionalDouble named = OptionalDouble.empty();
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
                    numericFields++;
                    found = parser.getDoubleValue();
                    if (name.equals(field)) {
                        named = OptionalDouble.of(found);
                    }
                } else {
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return OptionalDouble.empty();
            }
            if (named.isPresent()) {
                return Double.isFinite(named.getAsDouble()) ? named : OptionalDouble.empty();
            }
            return numericFields == 1 && Double.isFinite(found) ? OptionalDouble.of(found) : OptionalDouble.empty();
        } catch (IOException malformed) {
            return OptionalDouble.empty();
        }
    }
}
