package io.cellhub.topic;

/**
 * One child of a topic level: its name, its full path (a topic prefix), and what lies below it that
 * matches the filter asked for: its direct children, its topics and their messages. {@code snapshot}
 * is the path's own topic when it is one and matches, else null.
 */
public record TopicBranch(String name, String path, int children, long topics, long messages, TopicSnapshot snapshot) {
}
