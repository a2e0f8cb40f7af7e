package io.cellhub.channel;

import io.smallrye.reactive.messaging.health.HealthReport.HealthReportBuilder;

/** What one channel of {@link CellHubMqttConnector} reports to SmallRye's health checks. */
interface ChannelHealth {

    void reportStarted(HealthReportBuilder builder);

    void reportReady(HealthReportBuilder builder);

    void reportAlive(HealthReportBuilder builder);
}
