package io.cellhub.broker;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import io.cellhub.EmbeddedParts;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.runtime.StartupEvent;

/**
 * In a build without the embedded broker (the native one), stops the start when
 * {@code cellhub.broker.embedded=true}: nothing would listen where the channels connect.
 */
@ApplicationScoped
@IfBuildProperty(name = EmbeddedParts.BUILD_PROPERTY, stringValue = "false")
class ExternalBrokerOnly {

    private final BrokerConfig config;

    ExternalBrokerOnly(BrokerConfig config) {
        this.config = config;
    }

    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        if (config.embedded()) {
            throw new IllegalStateException("This CellHub was built without the embedded MQTT broker ("
                    + EmbeddedParts.BUILD_PROPERTY + "=false, as the native build is). Set CELLHUB_BROKER_EMBEDDED=false and "
                    + "CELLHUB_MQTT_HOST/_PORT to your broker.");
        }
    }
}
