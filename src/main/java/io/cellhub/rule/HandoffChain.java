package io.cellhub.rule;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One cylinder handoff chain, as the notebook's three clients: component i+1 follows component i
 * to True, and the first turns False when the last turns True.
 */
final class HandoffChain implements Rule {

    /** What one step does when its upstream state topic turns True. */
    record Step(HandoffChain chain, String upstream, String downstream, boolean value) {
    }

    private final String name;
    private final List<String> components;
    private final List<String> topics;
    private final List<Step> steps = new ArrayList<>();
    private final int maxHops;
    private final RuleStats stats;

    HandoffChain(String name, RulesConfig.Handoff config, RuleStats stats) {
        this.name = name;
        List<String> chain = config.chain();
        if (chain.size() < 2) {
            throw new IllegalArgumentException("cellhub.rules.handoff." + name + ".chain needs two or more components, has "
                    + chain);
        }
        Set<String> seen = new HashSet<>();
        for (String component : chain) {
            if (!seen.add(component)) {
                throw new IllegalArgumentException("cellhub.rules.handoff." + name + ".chain names component '" + component
                        + "' twice, which would make the chain trigger itself. Name each component once.");
            }
        }
        this.components = List.copyOf(chain);
        this.topics = chain.stream().map(component -> component + "/" + config.suffix()).toList();
        for (int i = 0; i < topics.size() - 1; i++) {
            steps.add(new Step(this, topics.get(i), topics.get(i + 1), true));
        }
        steps.add(new Step(this, topics.get(topics.size() - 1), topics.get(0), false));
        this.maxHops = config.maxHops().orElse(2 * chain.size());
        if (maxHops < 1) {
            throw new IllegalArgumentException("cellhub.rules.handoff." + name + ".max-hops must be at least 1, is " + maxHops);
        }
        this.stats = stats;
    }

    List<Step> steps() {
        return steps;
    }

    int maxHops() {
        return maxHops;
    }

    /** The chain's state topics, in chain order. */
    List<String> topics() {
        return topics;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "handoff";
    }

    @Override
    public List<String> inputs() {
        return topics;
    }

    @Override
    public Optional<List<String>> chain() {
        return Optional.of(components);
    }

    @Override
    public RuleStats stats() {
        return stats;
    }
}
