package io.cellhub.topic;

import java.util.List;

/** CDI event: a retained scan read every retained message the broker holds on topics matching {@code filter}. */
public record RetainedScanned(TopicFilter filter, List<TopicMessage> retained) {
}
