package io.cellhub.dashboard;

import java.util.List;

/** A cylinder handoff chain as steps, each lit while its state topic reads True. */
public record ChainCard(String name, List<Step> steps) {

    /** {@code on} is null while the step's topic has no readable state. */
    public record Step(String topic, String component, Boolean on) {

        public String state() {
            return on == null ? "unknown" : on ? "on" : "off";
        }
    }
}
