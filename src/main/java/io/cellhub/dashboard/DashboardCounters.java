package io.cellhub.dashboard;

import jakarta.enterprise.context.ApplicationScoped;

import io.cellhub.stream.TopicStream;
import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.TrafficMetrics;

@ApplicationScoped
public class DashboardCounters {

    private final TrafficMetrics traffic;
    private final LiveTopics topics;
    private final TopicStream stream;

    public DashboardCounters(TrafficMetrics traffic, LiveTopics topics, TopicStream stream) {
        this.traffic = traffic;
        this.topics = topics;
        this.stream = stream;
    }

    public Counters now() {
        return new Counters(traffic.receivedCount(), traffic.publishedCount(), topics.size(), stream.clientCount());
    }
}
