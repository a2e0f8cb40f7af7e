package io.cellhub;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Leaves Micrometer's {@code netty.eventexecutor.workers} gauge out of {@code /q/metrics}. Quarkus binds
 * Netty's event executor metrics for more than one event loop group with the same (empty) tags, and
 * Micrometer 1.16 added this gauge, so every start warned that it "has been already registered"
 * (quarkusio/quarkus#52014, open). The gauge only counts event loop threads; Netty's other metrics stay.
 */
@Singleton
public class NettyWorkersGaugeFilter {

    static final String GAUGE = "netty.eventexecutor.workers";

    @Produces
    @Singleton
    MeterFilter withoutNettyWorkersGauge() {
        return MeterFilter.deny(id -> GAUGE.equals(id.getName()));
    }
}
