package io.cellhub.store;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Destroyed;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import io.cellhub.EmbeddedParts;
import io.quarkus.arc.properties.IfBuildProperty;

/** Stops the embedded PostgreSQL last, once everything that writes at shutdown has written. */
@ApplicationScoped
@IfBuildProperty(name = EmbeddedParts.BUILD_PROPERTY, stringValue = "true", enableIfMissing = true)
class EmbeddedDatabaseShutdown {

    static void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 100) @Destroyed(ApplicationScoped.class) Object event) {
        EmbeddedDatabase.stop();
    }
}
