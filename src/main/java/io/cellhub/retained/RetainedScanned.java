package io.cellhub.retained;

import java.util.List;

import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicMessage;

/** CDI event: a retained scan read every retained message the broker holds on topics matching {@code filter}. */
public record RetainedScanned(TopicFilter filter, List<TopicMessage> retained) {
}
