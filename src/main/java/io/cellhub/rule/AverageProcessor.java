package io.cellhub.rule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.BiConsumer;

import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.cellhub.publish.MqttPublisher;
import io.cellhub.publish.OutgoingMessage;
import io.cellhub.retained.RetainedStateSettled;
import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.NumberReading;
import io.cellhub.topic.Payload;
import io.cellhub.topic.RateLimitedWarning;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicListener;
import io.cellhub.topic.TopicMessage;
import io.cellhub.topic.TopicSnapshot;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The notebook's first exercise for a whole fleet: every configured average rule, a {@link TopicListener}
 * that {@code MqttIngest} calls with each message. Each number is read once per message, whatever the
 * number of rules.
 * <p>
 * On a single node the rules' state is in this processor's memory and it publishes through
 * {@link MqttPublisher}. In cluster mode the same rules run in Kafka partitions: the cluster binds
 * them to a store with {@link #evaluator(RuleState)} and writes their averages to Kafka, and this
 * processor neither receives messages nor fills its own state ({@link #runOnPartitions()}).
 */
@Singleton
public class AverageProcessor implements TopicListener {

    private static final Logger LOG = Logger.getLogger(AverageProcessor.class);

    private final List<AverageRule> rules = new ArrayList<>();
    private final MqttPublisher publisher;
    private final NumberReading reading;
    private final LiveTopics topics;
    private final RateLimitedWarning publishFailure = new RateLimitedWarning(LOG, Duration.ofSeconds(10));
    private final Evaluator local;
    private volatile boolean partitioned;

    public AverageProcessor(RulesConfig config, MqttPublisher publisher, NumberReading reading, LiveTopics topics,
            MeterRegistry registry) {
        this.publisher = publisher;
        this.reading = reading;
        this.topics = topics;
        config.average().forEach((name, rule) -> {
            if (rule.enabled()) {
                check(name, rule, config.average());
                rules.add(new AverageRule(name, rule, new RuleStats(registry, name, "average")));
            }
        });
        this.local = evaluator(new InMemoryRuleState());
    }

    @Override
    public void onMessage(TopicMessage message) {
        local.onMessage(message, this::publish);
    }

    /** The rules over the given state: how the cluster runs them in a Kafka partition. */
    public Evaluator evaluator(RuleState state) {
        return new Evaluator(state);
    }

    /**
     * From now on the rules run in Kafka partitions (cluster mode): this processor's own state stays
     * empty and the retained scan no longer fills it.
     */
    public void runOnPartitions() {
        partitioned = true;
    }

    /** Every average rule bound to one state; used from one thread at a time. */
    public final class Evaluator {

        private final List<StateMap<AverageInputs>> cells = new ArrayList<>();

        private Evaluator(RuleState state) {
            for (AverageRule rule : rules) {
                cells.add(state.averageInputs(rule.name()));
            }
        }

        /** Runs every rule on the message; hands each average to publish to {@code out}. */
        public void onMessage(TopicMessage message, BiConsumer<Rule, OutgoingMessage> out) {
            OptionalDouble number = null;
            for (int i = 0; i < rules.size(); i++) {
                AverageRule rule = rules.get(i);
                Optional<AverageRule.Input> input = rule.input(message.topic());
                if (input.isEmpty()) {
                    continue;
                }
                if (number == null) {
                    number = message.payload().number(reading);
                }
                if (number.isEmpty()) {
                    LOG.debugf("Average rule '%s' ignored a non-numeric payload on %s", rule.name(), message.topic());
                }
                Optional<OutgoingMessage> average = rule.accept(cells.get(i), input.get(), number, message.replayed());
                if (average.isPresent()) {
                    out.accept(rule, average.get());
                }
            }
        }

        /**
         * Loads {@code payload} on {@code topic} into every rule that has no value for that input yet
         * (state CellHub learned otherwise, such as the broker's retained messages); publishes nothing.
         */
        public void recover(String topic, Payload payload) {
            for (int i = 0; i < rules.size(); i++) {
                AverageRule rule = rules.get(i);
                StateMap<AverageInputs> state = cells.get(i);
                rule.input(topic).ifPresent(input -> rule.recover(state, input, payload.number(reading)));
            }
        }

        void recover(TopicSnapshot snapshot) {
            recover(snapshot.topic(), snapshot.last().payload());
        }
    }

    /** Fills inputs the rules have not seen from the live state, which also holds what the retained scan found. */
    void onRetainedStateSettled(@ObservesAsync RetainedStateSettled settled) {
        if (partitioned) {
            return;
        }
        for (TopicSnapshot snapshot : topics.list(TopicFilter.ALL)) {
            local.recover(snapshot);
        }
    }

    /** The smallest number of leading topic levels that name a cell in any enabled rule (1 without rules). */
    public int cellLevels() {
        return rules.stream().mapToInt(AverageRule::cellLevels).min().orElse(1);
    }

    /** Whether {@code topic} is an input of an enabled average rule. */
    public boolean isInput(String topic) {
        for (AverageRule rule : rules) {
            if (rule.input(topic).isPresent()) {
                return true;
            }
        }
        return false;
    }

    public List<? extends Rule> rules() {
        return rules;
    }

    private void publish(Rule rule, OutgoingMessage out) {
        publisher.forward(out).whenComplete((ok, failure) -> {
            if (failure == null) {
                rule.stats().countPublished(out.topic(), out.payload().toString());
            } else {
                publishFailure.occurred(count -> String.format("Average rule '%s' could not publish %s (%d averages not "
                        + "published since the last warning): %s", rule.name(), out.topic(), count, failure.getMessage()));
            }
        });
    }

    /**
     * Refuses rules that could feed themselves: an output that is one of the rule's own inputs, or
     * rules whose outputs and inputs form a loop.
     */
    private static void check(String name, RulesConfig.Average rule, Map<String, RulesConfig.Average> all) {
        if (rule.inputs().size() < 2) {
            throw new IllegalArgumentException("cellhub.rules.average." + name + ".inputs needs two or more inputs, has "
                    + rule.inputs());
        }
        if (rule.qos() < 0 || rule.qos() > 2) {
            throw new IllegalArgumentException("cellhub.rules.average." + name + ".qos must be 0, 1 or 2, is " + rule.qos());
        }
        if (rule.inputs().contains(rule.output())) {
            throw new IllegalArgumentException("cellhub.rules.average." + name + ".output '" + rule.output()
                    + "' is also one of its inputs, so each average would trigger the next. Give it another output.");
        }
        Set<String> reached = new HashSet<>();
        List<String> frontier = new ArrayList<>(List.of(rule.output()));
        while (!frontier.isEmpty()) {
            String topic = frontier.remove(frontier.size() - 1);
            for (var other : all.entrySet()) {
                if (other.getValue().enabled() && other.getValue().inputs().contains(topic) && reached.add(other.getKey())) {
                    if (other.getKey().equals(name)) {
                        throw new IllegalArgumentException("cellhub.rules.average." + name + " feeds itself through other "
                                + "average rules (its output '" + rule.output() + "' leads back to its inputs). Break the loop.");
                    }
                    frontier.add(other.getValue().output());
                }
            }
        }
    }
}
