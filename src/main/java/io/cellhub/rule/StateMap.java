package io.cellhub.rule;

import java.util.function.Function;

/**
 * One kind of a rule's state, by key (a cell, a topic). On a single node the values are live objects
 * in memory ({@link InMemoryRuleState}) and {@link #changed} does nothing; in cluster mode they are
 * decoded from a Kafka Streams store on each {@link #get}, so a rule must call {@link #changed} after
 * every change it wants kept. Used from one thread at a time.
 */
public interface StateMap<V> {

    /** The value under {@code key}, or null. */
    V get(String key);

    /** The value under {@code key}, created (and not yet stored) when there is none. */
    V getOrCreate(String key, Function<String, V> create);

    /** Keeps {@code value} under {@code key}: the value {@link #get} returns from now on. */
    void changed(String key, V value);
}
