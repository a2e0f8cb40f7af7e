package io.cellhub.topic;

import java.util.OptionalDouble;


/** How a payload is spelled in JSON: text or base64, never both, and a number when it reads as one. */
public final class PayloadText {

    private PayloadText() {
    }

    public static String text(Payload payload) {
        return payload.text().orElse(null);
    }

    public static String base64(Payload payload) {
        return payload.isText() ? null : payload.base64();
    }

    public static Double number(Payload payload, NumberReading reading) {
        OptionalDouble number = payload.number(reading);
        return number.isPresent() ? number.getAsDouble() : null;
    }
}
