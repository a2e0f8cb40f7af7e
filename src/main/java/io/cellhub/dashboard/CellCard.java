package io.cellhub.dashboard;

import java.time.Instant;
import java.util.List;

import io.quarkus.qute.TemplateData;

/**
 * One robot cell as the Cells page draws it. {@code status} is the payload of the cell's
 * {@code status} topic ({@code online}, {@code offline}) or {@code unknown}; {@code state} is what
 * the fleet summary counts it as: {@code online}, {@code stale} (silent for
 * {@code cellhub.dashboard.stale-after}), {@code offline} or {@code unknown}.
 */
@TemplateData
public record CellCard(String name, String status, String state, Instant lastSeen, List<Reading> readings,
        String jointsTopic, List<Joint> joints) {

    /**
     * A reading with its recent numbers, oldest first, space-separated for the sparkline. {@code rule}
     * names the average rule it belongs to; a rule none of whose topics the cell has is not shown.
     */
    @TemplateData
    public record Reading(String topic, String label, String rule, String value, boolean output, boolean shown,
            String points) {
    }

    /** One robot joint's angle in degrees. */
    @TemplateData
    public record Joint(int index, double angle) {

        /** The angle as a device would write it: {@code 42}, not {@code 42.0}. */
        public String degrees() {
            return angle == Math.rint(angle) && Math.abs(angle) < 1e15 ? String.valueOf((long) angle) : String.valueOf(angle);
        }
    }

}
