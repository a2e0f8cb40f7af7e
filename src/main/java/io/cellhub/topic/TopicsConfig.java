package io.cellhub.topic;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cellhub.topics")
public interface TopicsConfig {

    /** Most topics kept in the live state; messages on further new topics are refused and counted. */
    @WithDefault("100000")
    int max();

    /** Recent messages kept per topic for plots and the topic detail view. */
    @WithDefault("100")
    int history();

    /**
     * Name of the numeric field to read from JSON object payloads, such as {@code temperatur}.
     * Without it, an object reads as a number only when it has exactly one numeric field.
     */
    Optional<String> numberField();
}
