package io.cellhub.journal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Keeps the journal's hourly partitions: creates them a few hours ahead, and drops whole partitions
 * once they are older than {@code cellhub.journal.retention}, instead of deleting rows.
 */
@ApplicationScoped
public class JournalPartitions {

    private static final Logger LOG = Logger.getLogger(JournalPartitions.class);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter PARSE = new DateTimeFormatterBuilder().appendPattern("yyyyMMddHH")
            .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0).toFormatter();
    private static final int HOURS_AHEAD = 3;

    private final AgroalDataSource dataSource;
    private final JournalConfig config;

    public JournalPartitions(AgroalDataSource dataSource, JournalConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    void atStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE + 15) StartupEvent event) {
        maintain();
    }

    @Scheduled(every = "10m", delayed = "10m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void maintain() {
        if (!config.enabled()) {
            return;
        }
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Instant cutoff = Instant.now().minus(config.retention());
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
            for (int h = -1; h <= HOURS_AHEAD; h++) {
                Instant from = hour.plus(h, ChronoUnit.HOURS);
                Instant to = from.plus(1, ChronoUnit.HOURS);
                try {
                    sql.execute("CREATE TABLE IF NOT EXISTS journal_p" + NAME.format(from) + " PARTITION OF journal FOR VALUES FROM ('"
                            + from + "') TO ('" + to + "')");
                } catch (SQLException e) {
                    LOG.warnf("Could not create the journal partition for %s: %s", from, e.getMessage());
                }
            }
            int dropped = 0;
            try (ResultSet partitions = sql.getConnection().createStatement().executeQuery(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                            + "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'journal' AND c.relname LIKE 'journal_p%'")) {
                while (partitions.next()) {
                    String name = partitions.getString(1);
                    Instant end = LocalDateTime.parse(name.substring("journal_p".length()), PARSE).toInstant(ZoneOffset.UTC)
                            .plus(1, ChronoUnit.HOURS);
                    if (end.isBefore(cutoff)) {
                        try (Statement drop = connection.createStatement()) {
                            drop.execute("DROP TABLE " + name);
                            dropped++;
                        }
                    }
                }
            }
            int deleted = sql.executeUpdate("DELETE FROM journal_default WHERE received_at < '" + cutoff + "'");
            if (dropped > 0 || deleted > 0) {
                LOG.infof("Journal retention (%s): dropped %d hourly partition(s), deleted %d stray row(s)", config.retention(),
                        dropped, deleted);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Journal partition maintenance failed, trying again in 10 minutes: %s", e.getMessage());
        }
    }
}
