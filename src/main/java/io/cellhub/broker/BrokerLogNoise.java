package io.cellhub.broker;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Leaves out the embedded broker's warnings that every MQTT subscription and retained topic would
 * otherwise log once: that no dead-letter or expiry address is configured for its queue (AMQ222165,
 * AMQ222166). MQTT has neither: a message is redelivered until acknowledged, and one that expires
 * is gone. Every other broker warning still shows.
 */
@LoggingFilter(name = BrokerLogNoise.NAME)
public final class BrokerLogNoise implements Filter {

    static final String NAME = "cellhub-broker-noise";

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record.getMessage();
        return message == null || !(message.startsWith("AMQ222165") || message.startsWith("AMQ222166"));
    }
}
