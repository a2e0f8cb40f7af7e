package io.cellhub.dashboard;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.cellhub.journal.JournalQuery;
import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.NumberReading;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicMessage;
import io.cellhub.web.TopicDetail.HistoryEntry;
import io.cellhub.web.TopicView;

/** A topic's history for its page: from the journal when it holds the topic, else from the in-memory ring. */
@ApplicationScoped
public class TopicHistory {

    static final int PLOT_POINTS = 2_000;
    static final int TABLE_ROWS = 50;
    private static final Logger LOG = Logger.getLogger(TopicHistory.class);

    private final LiveTopics topics;
    private final JournalQuery journal;
    private final NumberReading reading;

    public TopicHistory(LiveTopics topics, JournalQuery journal, NumberReading reading) {
        this.topics = topics;
        this.journal = journal;
        this.reading = reading;
    }

    public TopicPageModel page(String topic) {
        TopicView last = topics.get(topic).map(snapshot -> TopicView.of(snapshot, reading)).orElse(null);
        List<TopicMessage> history = List.of();
        String source = "journal";
        String note = null;
        try {
            history = journal.find(topic, TopicFilter.ALL, Instant.EPOCH, Instant.now().plusSeconds(1), PLOT_POINTS);
        } catch (SQLException e) {
            LOG.debugf(e, "Journal unavailable for the page of '%s'", topic);
            note = "The journal could not be read (" + e.getMessage() + "); showing the recent messages kept in memory.";
        }
        if (history.isEmpty()) {
            history = topics.history(topic);
            source = "memory";
        }
        List<HistoryEntry> rows = new ArrayList<>(Math.min(TABLE_ROWS, history.size()));
        for (int i = history.size() - 1; i >= 0 && rows.size() < TABLE_ROWS; i--) {
            rows.add(HistoryEntry.of(history.get(i), reading));
        }
        StringBuilder points = new StringBuilder();
        for (TopicMessage message : history) {
            OptionalDouble number = message.payload().number(reading);
            if (number.isPresent()) {
                points.append(points.isEmpty() ? "" : " ").append(message.receivedAt().toEpochMilli()).append(':')
                        .append(number.getAsDouble());
            }
        }
        return new TopicPageModel(topic, last, rows, points.toString(), source, note);
    }
}
