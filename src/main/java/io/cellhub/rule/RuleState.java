package io.cellhub.rule;

/**
 * Where the rules keep their state: each average rule's inputs by cell, and the chains' expected
 * echoes (and start marks) by topic. The rules' code is the same over every holder; only where the
 * state lives differs: plain memory on a single node ({@link InMemoryRuleState}), a Kafka Streams
 * store with a changelog in cluster mode, so that a replica taking a cell over finds its state.
 */
public interface RuleState {

    /** The inputs of average rule {@code rule}, by cell. */
    StateMap<AverageInputs> averageInputs(String rule);

    /** The echoes the handoff chains expect, by topic, and whether each chain was started. */
    StateMap<ChainEchoes> chainEchoes();
}
