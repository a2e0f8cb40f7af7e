package io.cellhub.topic;

import java.io.IOException;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Reads a number out of a text payload the way the fleet writes them: plain decimal text
 * ({@code 21}, {@code 21.5}, {@code -3e2}), which covers JSON numbers too, or a JSON object with
 * exactly one numeric top-level field, such as the notebook's {@code {"temperatur": 3, "type": "robot front"}}.
 * Anything else, including {@code NaN}, {@code Infinity} and Java-only forms like {@code 1d} or hex,
 * is not a number.
 */
public final class NumberReading {

    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final JsonFactory JSON = new JsonFactory();

    private NumberReading() {
    }

    public static OptionalDouble read(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return OptionalDouble.empty();
        }
        if (trimmed.charAt(0) == '{') {
            return onlyNumericField(trimmed);
        }
        return decimal(trimmed);
    }

    static OptionalDouble decimal(String text) {
        if (text.length() > 64 || !DECIMAL.matcher(text).matches()) {
            return OptionalDouble.empty();
        }
        double value = Double.parseDouble(text);
        return Double.isFinite(value) ? OptionalDouble.of(value) : OptionalDouble.empty();
    }

    private static OptionalDouble onlyNumericField(String json) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return OptionalDouble.empty();
            }
            double found = 0;
            int numericFields = 0;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
                    numericFields++;
                    found = parser.getDoubleValue();
                } else {
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                return OptionalDouble.empty();
            }
            return numericFields == 1 && Double.isFinite(found) ? OptionalDouble.of(found) : OptionalDouble.empty();
        } catch (IOException malformed) {
            return OptionalDouble.empty();
        }
    }
}
