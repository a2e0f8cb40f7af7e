package io.cellhub.ingest;

import jakarta.inject.Singleton;


import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.TopicListener;
import io.cellhub.topic.TopicMessage;

/** Records every ingested message in the live topic state. */
@Singleton
public class LiveTopicsFeed implements TopicListener {

    private final LiveTopics topics;

    public LiveTopicsFeed(LiveTopics topics) {
        this.topics = topics;
    }

    @Override
    public void onMessage(TopicMessage message) {
        topics.record(message);
    }
}
