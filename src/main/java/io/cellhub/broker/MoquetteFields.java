package io.cellhub.broker;

import java.lang.reflect.Field;

import io.moquette.broker.IRetainedRepository;
import io.moquette.broker.Server;

/**
 * Reads Moquette 0.17's private fields, for the few things its API does not offer (its retained store,
 * its session loops, its stored subscriptions). Callers handle the failure of another version.
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

    /** The server's retained store, which Moquette's API neither exposes nor lets one list. */
    static IRetainedRepository retainedStore(Server server) throws ReflectiveOperationException {
        return (IRetainedRepository) read(read(server, "dispatcher"), "retainedRepository");
    }
}
