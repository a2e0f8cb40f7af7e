package io.cellhub.rule;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** The rules' state of a single node: hash maps of live values, so a change needs no write-back. */
public final class InMemoryRuleState implements RuleState {

    private final Map<String, StateMap<AverageInputs>> averages = new HashMap<>();
    private final StateMap<ChainEchoes> echoes = new Memory<>();

    @Override
    public synchronized StateMap<AverageInputs> averageInputs(String rule) {
        return averages.computeIfAbsent(rule, r -> new Memory<>());
    }

    @Override
    public StateMap<ChainEchoes> chainEchoes() {
        return echoes;
    }

    private static final class Memory<V> implements StateMap<V> {

        private final Map<String, V> values = new HashMap<>();

        @Override
        public V get(String key) {
            return values.get(key);
        }

        @Override
        public V getOrCreate(String key, Function<String, V> create) {
            return values.computeIfAbsent(key, create);
        }

        @Override
        public void changed(String key, V value) {
            // a live object: it changed in place
        }
    }
}
