package io.cellhub.retained;

import java.util.List;

import io.cellhub.topic.TopicFilters;
import io.cellhub.topic.TopicMessage;

/** CDI event: a retained scan read every retained message the broker holds on topics matching {@code filters}. */
public record RetainedScanned(TopicFilters filters, List<TopicMessage> retained) {
}
