package io.cellhub.ingest;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.TopicMessage;

/** Records every message of the {@code topics} stream in the live topic state. */
@ApplicationScoped
public class LiveTopicsFeed {

    private final LiveTopics topics;

    public LiveTopicsFeed(LiveTopics topics) {
        this.topics = topics;
    }

    @Incoming("topics")
    public void record(TopicMessage message) {
        topics.record(message);
    }
}
