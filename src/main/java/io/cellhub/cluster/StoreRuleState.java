package io.cellhub.cluster;

import java.util.function.Function;

import org.apache.kafka.streams.state.KeyValueStore;

import io.cellhub.rule.AverageInputs;
import io.cellhub.rule.ChainEchoes;
import io.cellhub.rule.RuleState;
import io.cellhub.rule.StateCodec;
import io.cellhub.rule.StateMap;

/**
 * The rules' state in one rule partition's Kafka Streams store, whose changelog lets the replica
 * that takes the partition over restore it. Keys: {@code a/<rule>/<cell>} for an average rule's
 * inputs, {@code e/<topic>} for a chain topic's echoes, {@code s/<chain>} for a started chain.
 */
final class StoreRuleState implements RuleState {

    private final KeyValueStore<String, byte[]> store;

    StoreRuleState(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    @Override
    public StateMap<AverageInputs> averageInputs(String rule) {
        return new Stored<>("a/" + rule + "/", AverageInputs.CODEC);
    }

    @Override
    public StateMap<ChainEchoes> chainEchoes() {
        return new Stored<>("e/", ChainEchoes.CODEC);
    }

    boolean chainStarted(String chain) {
        return store.get("s/" + chain) != null;
    }

    void markChainStarted(String chain) {
        store.put("s/" + chain, new byte[] { 1 });
    }

    private final class Stored<V> implements StateMap<V> {

        private final String prefix;
        private final StateCodec<V> codec;

        Stored(String prefix, StateCodec<V> codec) {
            this.prefix = prefix;
            this.codec = codec;
        }

        @Override
        public V get(String key) {
            byte[] bytes = store.get(prefix + key);
            return bytes == null ? null : codec.decode(bytes);
        }

        @Override
        public V getOrCreate(String key, Function<String, V> create) {
            V value = get(key);
            return value != null ? value : create.apply(key);
        }

        @Override
        public void changed(String key, V value) {
            store.put(prefix + key, codec.encode(value));
        }
    }
}
