package io.cellhub.rule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.cellhub.publish.MqttPublisher;
import io.cellhub.publish.OutgoingMessage;
import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.NumberReading;
import io.cellhub.topic.RateLimitedWarning;
import io.cellhub.topic.RetainedStateSettled;
import io.cellhub.topic.TopicFilter;
import io.cellhub.topic.TopicListener;
import io.cellhub.topic.TopicMessage;
import io.cellhub.topic.TopicSnapshot;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The notebook's first exercise for a whole fleet: every configured average rule, a {@link TopicListener}
 * that {@code MqttIngest} calls with each message. Each number is read once per message, whatever the
 * number of rules.
 */
@Singleton
public class AverageProcessor implements TopicListener {

    private static final Logger LOG = Logger.getLogger(AverageProcessor.class);

    private final List<AverageRule> rules = new ArrayList<>();
    private final MqttPublisher publisher;
    private final NumberReading reading;
    private final LiveTopics topics;
    private final RateLimitedWarning publishFailure = new RateLimitedWarning(LOG, Duration.ofSeconds(10));

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
    }

    @Override
    public void onMessage(TopicMessage message) {
        OptionalDouble number = null;
        for (AverageRule rule : rules) {
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
            rule.accept(input.get(), number, message.replayed()).ifPresent(out -> publish(rule, out));
        }
    }

    /** Fills inputs the rules have not seen from the live state, which also holds what the retained scan found. */
    void onRetainedStateSettled(@ObservesAsync RetainedStateSettled settled) {
        for (TopicSnapshot snapshot : topics.list(TopicFilter.ALL)) {
            for (AverageRule rule : rules) {
                rule.input(snapshot.topic()).ifPresent(input -> rule.recover(input, snapshot.last().payload().number(reading)));
            }
        }
    }

    public List<? extends Rule> rules() {
        return rules;
    }

    private void publish(AverageRule rule, OutgoingMessage out) {
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
