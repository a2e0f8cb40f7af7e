package io.cellhub.dashboard;

import java.util.List;

import io.cellhub.web.TopicDetail.HistoryEntry;
import io.cellhub.web.TopicView;

/**
 * What {@code /topics/{topic}} shows: the last message ({@code null} before the first), the recent
 * messages newest first, and the numeric history as {@code epochMillis:value} pairs for the plot.
 * {@code source} says where the history came from: {@code journal} or {@code memory}.
 */
public record TopicPageModel(String topic, TopicView last, List<HistoryEntry> messages, String points, String source,
        String note) {
}
