package io.cellhub.rule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cellhub.topic.NumberReading;
import io.cellhub.topic.Payload;
import io.cellhub.topic.TopicMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A value the broker held retained, loaded into the average rule without a message: how a cluster's
 * rule partition takes the {@code retained-value} records an ingest space writes after subscribing
 * with a new session, and how a single node takes its retained scan.
 */
class AverageRecoveryTest {

    private final AverageProcessor processor = processor();
    private final AverageProcessor.Evaluator rules = processor.evaluator(new InMemoryRuleState());
    private final List<String> published = new ArrayList<>();

    @Test
    void aRecoveredInputCompletesTheCellForTheNextLiveInputAndPublishesNothingItself() {
        rules.recover("cell1/temperature2", Payload.ofText("100"));
        assertThat(published).isEmpty();

        live("cell1/temperature1", "21");

        assertThat(published).containsExactly("cell1/avgtemperature=60.5");
    }

    @Test
    void aLiveValueThatCameFirstStandsAgainstAnOlderRetainedOne() {
        live("cell1/temperature2", "30");
        rules.recover("cell1/temperature2", Payload.ofText("100"));

        live("cell1/temperature1", "20");

        assertThat(published).containsExactly("cell1/avgtemperature=25");
    }

    @Test
    void aRecoveredValueOfAnotherCellOrTopicChangesNothingHere() {
        rules.recover("cell2/temperature2", Payload.ofText("100"));
        rules.recover("cell1/humidity", Payload.ofText("40"));
        rules.recover("cell1/temperature2", Payload.ofText("not a number"));

        live("cell1/temperature1", "20");

        assertThat(published).as("cell1 still lacks temperature2").isEmpty();
        assertThat(processor.isInput("cell1/temperature2")).isTrue();
        assertThat(processor.isInput("cell1/humidity")).isFalse();
    }

    private void live(String topic, String value) {
        rules.onMessage(new TopicMessage(topic, Payload.ofText(value), 1, false, Instant.now()),
                (rule, out) -> published.add(out.topic() + "=" + out.payload().toString()));
    }

    private static AverageProcessor processor() {
        RulesConfig.Average temperature = new RulesConfig.Average() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public List<String> inputs() {
                return List.of("temperature1", "temperature2");
            }

            @Override
            public String output() {
                return "avgtemperature";
            }

            @Override
            public int cellLevels() {
                return 1;
            }

            @Override
            public int qos() {
                return 1;
            }

            @Override
            public boolean retain() {
                return false;
            }
        };
        RulesConfig config = new RulesConfig() {
            @Override
            public Map<String, Average> average() {
                return Map.of("temperature", temperature);
            }

            @Override
            public Map<String, Handoff> handoff() {
                return Map.of();
            }
        };
        return new AverageProcessor(config, null, NumberReading.DEFAULT, null, new SimpleMeterRegistry());
    }
}
