package io.cellhub.rule;

/** How a kind of rule state is written to bytes and read back, for stores outside the JVM (Kafka). */
public interface StateCodec<V> {

    byte[] encode(V value);

    V decode(byte[] bytes);
}
