package io.cellhub.store;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Destroyed;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

/** Stops the embedded PostgreSQL last, once everything that writes at shutdown has written. */
@ApplicationScoped
class EmbeddedDatabaseShutdown {

    static void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 100) @Destroyed(ApplicationScoped.class) Object event) {
        EmbeddedDatabase.stop();
    }
}
