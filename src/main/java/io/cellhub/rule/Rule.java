package io.cellhub.rule;

import java.util.List;
import java.util.Optional;

/** What {@code GET /api/rules} shows of a configured processor rule. */
public interface Rule {

    String name();

    /** {@code average} or {@code handoff}. */
    String type();

    /** The topics (or topic suffixes below each cell) the rule reads. */
    List<String> inputs();

    /** The output topic below each cell, for rules that have one. */
    default Optional<String> output() {
        return Optional.empty();
    }

    /** The components in order, for chains. */
    default Optional<List<String>> chain() {
        return Optional.empty();
    }

    RuleStats stats();
}
