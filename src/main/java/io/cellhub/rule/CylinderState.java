package io.cellhub.rule;

import java.util.Locale;
import java.util.Optional;

import io.cellhub.topic.Payload;

/** A cylinder's on/off state as payload: read leniently, written as the notebook's Python prints it. */
public final class CylinderState {

    static final String TRUE = "True";
    static final String FALSE = "False";

    private CylinderState() {
    }

    /** {@code True/False}, {@code true/false}, {@code 1/0}, {@code on/off}, in any case; empty for anything else. */
    public static Optional<Boolean> read(Payload payload) {
        return payload.text().map(text -> text.strip().toLowerCase(Locale.ROOT)).flatMap(text -> switch (text) {
            case "true", "1", "on" -> Optional.of(true);
            case "false", "0", "off" -> Optional.of(false);
            default -> Optional.empty();
        });
    }

    static String write(boolean on) {
        return on ? TRUE : FALSE;
    }
}
