package io.cellhub.topic;

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
}
