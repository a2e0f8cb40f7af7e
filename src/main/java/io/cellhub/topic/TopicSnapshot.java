package io.cellhub.topic;

/** A topic's last message and the number of messages seen on it since CellHub started. */
public record TopicSnapshot(TopicMessage last, long count) {

    public String topic() {
        return last.topic();
    }
}
