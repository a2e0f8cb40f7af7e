package io.cellhub.topic;

import java.util.Optional;

/** Topic settings for tests that build a {@link LiveTopics} by hand. */
final class TopicsConfigs {

    private TopicsConfigs() {
    }

    record Fixed(int max, int history) implements TopicsConfig {

        @Override
        public Optional<String> numberField() {
            return Optional.empty();
        }
    }
}
