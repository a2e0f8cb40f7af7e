package io.cellhub.store;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.cellhub.channel.BrokerConnection;
import io.cellhub.channel.MqttSettings;
import io.cellhub.broker.BrokerConfig;
import io.quarkus.runtime.StartupEvent;

/** Records every start of CellHub in {@code service_start}. */
@ApplicationScoped
public class StartLog {

    private static final Logger LOG = Logger.getLogger(StartLog.class);

    private final MqttSettings broker;
    private final BrokerConfig brokerConfig;
    private final String version;
    private final String database;
    private volatile ServiceStart current;

    public StartLog(MqttSettings broker, BrokerConfig brokerConfig, DatabaseConfig database,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl) {
        this.broker = broker;
        this.brokerConfig = brokerConfig;
        this.version = version;
        this.database = DatabaseUrl.redacted(jdbcUrl);
        LOG.infof("Database: %s (embedded PostgreSQL port setting cellhub.database.port=%d applies only without "
                + "quarkus.datasource.jdbc.url)", this.database, database.port());
    }

    @Transactional
    void onStart(@Observes StartupEvent event) {
        ServiceStart start = new ServiceStart();
        start.startedAt = Instant.now();
        start.version = version;
        start.broker = BrokerConnection.address(broker);
        start.embeddedBroker = brokerConfig.embedded();
        start.persist();
        current = start;
        LOG.debugf("Recorded start #%d", start.id);
    }

    /** The database CellHub runs against: its JDBC URL without credentials. */
    public String database() {
        return database;
    }

    public ServiceStart current() {
        return current;
    }

    @Transactional
    public long count() {
        return ServiceStart.count();
    }
}
