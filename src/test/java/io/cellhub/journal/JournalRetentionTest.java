package io.cellhub.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/** Retention drops whole hourly partitions of the journal and keeps the current ones. */
@QuarkusTest
class JournalRetentionTest {

    @Inject
    JournalPartitions partitions;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void partitionsOlderThanTheRetentionAreDroppedWholeAndUpcomingOnesExist() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TABLE IF NOT EXISTS journal_p2020010100 PARTITION OF journal "
                    + "FOR VALUES FROM ('2020-01-01T00:00:00Z') TO ('2020-01-01T01:00:00Z')");
            sql.execute("INSERT INTO journal (topic, payload, qos, retained, received_at) "
                    + "VALUES ('old/topic', '\\x01', 1, false, '2020-01-01T00:30:00Z')");
        }

        partitions.maintain();

        String nextHour = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC)
                .format(Instant.now().truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS));
        assertThat(exists("journal_p2020010100")).as("the expired partition is dropped").isFalse();
        assertThat(exists("journal_p" + nextHour)).as("the next hour's partition is ready").isTrue();
    }

    private boolean exists(String table) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement();
                ResultSet row = sql.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            row.next();
            return row.getBoolean(1);
        }
    }
}
