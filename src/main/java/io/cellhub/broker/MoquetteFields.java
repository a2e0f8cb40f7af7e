package io.cellhub.broker;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Optional;

import io.moquette.broker.IRetainedRepository;
import io.moquette.broker.Server;
import io.netty.channel.Channel;

/**
 * Reads Moquette 0.17's private fields, for the few things its API does not offer (its retained store,
 * its session loops, its stored subscriptions, a client's connection, a place in its client pipelines).
 * Callers handle the failure of another version.
 */
final class MoquetteFields {

    private MoquetteFields() {
    }

    /** The value of the field {@code name} declared by the owner's own class. */
    static Object read(Object owner, String name) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }

    /** Sets the field {@code name} declared by the owner's own class. */
    static void write(Object owner, String name, Object value) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        field.set(owner, value);
    }

    /** The server's retained store, which Moquette's API neither exposes nor lets one list. */
    static IRetainedRepository retainedStore(Server server) throws ReflectiveOperationException {
        return (IRetainedRepository) read(read(server, "dispatcher"), "retainedRepository");
    }

    /** The Netty channel of the client's current connection; empty while it has none. */
    static Optional<Channel> channelOf(Server server, String clientId) throws ReflectiveOperationException {
        Object registry = read(server, "sessions");
        Method retrieve = registry.getClass().getDeclaredMethod("retrieve", String.class);
        retrieve.setAccessible(true);
        Object session = retrieve.invoke(registry, clientId);
        Object connection = session == null ? null : read(session, "mqttConnection");
        return connection != null && read(connection, "channel") instanceof Channel channel ? Optional.of(channel)
                : Optional.empty();
    }
}
