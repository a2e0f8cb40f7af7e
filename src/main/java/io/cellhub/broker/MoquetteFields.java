package io.cellhub.broker;

import java.lang.reflect.Field;

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
}
