package io.cellhub.dashboard;

import java.util.Locale;

/** How the Cells page orders cards: by name, most recently seen first, or the ones needing attention first. */
public enum CellOrder {
    name, lastSeen, alarm;

    /** @throws IllegalArgumentException naming the accepted values */
    public static CellOrder parse(String value) {
        if (value == null || value.isBlank()) {
            return name;
        }
        for (CellOrder order : values()) {
            if (order.name().toLowerCase(Locale.ROOT).equals(value.strip().toLowerCase(Locale.ROOT))) {
                return order;
            }
        }
        throw new IllegalArgumentException("'sort' must be name, lastSeen or alarm, was '" + value + "'.");
    }
}
