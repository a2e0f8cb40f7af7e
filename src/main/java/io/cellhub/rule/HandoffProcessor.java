package io.cellhub.rule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.cellhub.publish.MqttPublisher;
import io.cellhub.publish.OutgoingMessage;
import io.cellhub.retained.RetainedStateSettled;
import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.MessageProperties;
import io.cellhub.topic.Payload;
import io.cellhub.topic.TopicListener;
import io.cellhub.topic.TopicMessage;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The notebook's second exercise: cylinder handoff chains, event-driven like the notebook's
 * clients. Every live {@code True} on a step's upstream topic publishes the downstream state
 * (retained, QoS 1), even when it already has that value. Replayed retained state never triggers.
 * <p>
 * <b>Storm-proof.</b> Each publish is remembered with its hop count: the number of steps since the
 * outside message that set the cascade off. When the broker echoes it back, the step it triggers
 * is one hop further; past the chain's {@code max-hops} the cascade is cut, counted and logged. So
 * chains that feed each other settle instead of ping-ponging forever.
 * <p>
 * On a single node the expected echoes are in this processor's memory. In cluster mode the same
 * logic runs in the Kafka partition that holds the chain's topics ({@link #evaluator(RuleState)}),
 * its echoes in that partition's store, and this processor sets no start values itself
 * ({@link #runOnPartitions()}).
 */
@Singleton
public class HandoffProcessor implements TopicListener {

    private static final Logger LOG = Logger.getLogger(HandoffProcessor.class);

    /**
     * The MQTT 5 user property that carries a chain output's echo id in cluster mode: the egress
     * publishes it with the output, so the output's echo says which publish it is the echo of.
     */
    public static final String ECHO_ID_PROPERTY = "cellhub-echo-id";

    private final List<HandoffChain> chains = new ArrayList<>();
    private final Map<String, List<HandoffChain.Step>> stepsByUpstream = new HashMap<>();
    private final MqttPublisher publisher;
    private final LiveTopics topics;
    private final Evaluator local;
    private volatile boolean partitioned;

    /** Where a chain's step sends the state it sets. */
    @FunctionalInterface
    public interface Output {

        /**
         * @param echoId names the publish so that the cluster's egress can say when it publishes it
         *        again (null on a single node)
         */
        void publish(Rule chain, OutgoingMessage message, String echoId);
    }

    public HandoffProcessor(RulesConfig config, MqttPublisher publisher, LiveTopics topics, MeterRegistry registry) {
        this.publisher = publisher;
        this.topics = topics;
        config.handoff().forEach((name, chain) -> {
            if (chain.enabled()) {
                HandoffChain built = new HandoffChain(name, chain, new RuleStats(registry, name, "handoff"));
                chains.add(built);
                built.steps().forEach(step -> stepsByUpstream.computeIfAbsent(step.upstream(), t -> new ArrayList<>()).add(step));
            }
        });
        this.local = evaluator(new InMemoryRuleState());
    }

    @Override
    public void onMessage(TopicMessage message) {
        synchronized (local) {
            local.onMessage(message, System.currentTimeMillis(), this::publish, null);
        }
    }

    /**
     * The notebook's "Start Topics": once the broker's retained messages are in, every chain state
     * topic the broker holds no value for is set to {@code False}, retained.
     */
    void onRetainedStateSettled(@ObservesAsync RetainedStateSettled settled) {
        if (partitioned) {
            return;
        }
        synchronized (local) {
            for (HandoffChain chain : chains) {
                local.start(chain.name(), topic -> topics.get(topic).isPresent(), System.currentTimeMillis(), this::publish, null);
            }
        }
    }

    /** The chains over the given state: how the cluster runs them in a Kafka partition. */
    public Evaluator evaluator(RuleState state) {
        return new Evaluator(state);
    }

    /** From now on the chains run in Kafka partitions (cluster mode): this processor sets no start values. */
    public void runOnPartitions() {
        partitioned = true;
    }

    public List<? extends Rule> rules() {
        return chains;
    }

    /**
     * The chains' state topics in groups that must be handled in one place: chains sharing a topic
     * (such as two chains feeding each other) are in one group, named by its first chain.
     */
    public Map<String, String> chainGroupsByTopic() {
        Map<String, String> groupOfTopic = new HashMap<>();
        Map<String, String> groupOfChain = new HashMap<>();
        for (HandoffChain chain : chains) {
            groupOfChain.put(chain.name(), chain.name());
        }
        boolean merged = true;
        while (merged) {
            merged = false;
            groupOfTopic.clear();
            for (HandoffChain chain : chains) {
                String group = groupOfChain.get(chain.name());
                for (String topic : chain.topics()) {
                    String other = groupOfTopic.putIfAbsent(topic, group);
                    if (other != null && !other.equals(group)) {
                        String first = other.compareTo(group) < 0 ? other : group;
                        String second = first.equals(other) ? group : other;
                        groupOfChain.replaceAll((c, g) -> g.equals(second) ? first : g);
                        merged = true;
                    }
                }
            }
        }
        return groupOfTopic;
    }

    /** Every chain bound to one state; used from one thread at a time. */
    public final class Evaluator {

        private final StateMap<ChainEchoes> echoes;

        private Evaluator(RuleState state) {
            this.echoes = state.chainEchoes();
        }

        /**
         * Runs the chains on one message at {@code now} (epoch milliseconds) and hands each state to set
         * to {@code out}. {@code newEchoId} names each publish for the cluster's egress (null: unnamed).
         */
        public void onMessage(TopicMessage message, long now, Output out, Supplier<String> newEchoId) {
            List<HandoffChain.Step> steps = stepsByUpstream.get(message.topic());
            int hops = hopsOf(message, now);
            if (steps == null || message.replayed() || hops == ChainEchoes.DUPLICATE) {
                return;
            }
            Optional<Boolean> state = CylinderState.read(message.payload());
            for (HandoffChain.Step step : steps) {
                RuleStats stats = step.chain().stats();
                stats.countReceived();
                if (state.isEmpty()) {
                    stats.countIgnored();
                    continue;
                }
                if (!state.get()) {
                    continue;
                }
                if (hops + 1 > step.chain().maxHops()) {
                    stats.countCut();
                    LOG.warnf("Handoff chain '%s' cut a cascade after %d hops at %s -> %s (cellhub.rules.handoff.%s.max-hops)",
                            step.chain().name(), hops, step.upstream(), step.downstream(), step.chain().name());
                    continue;
                }
                set(step.chain(), step.downstream(), CylinderState.write(step.value()), hops + 1, now, out, newEchoId);
            }
        }

        /**
         * Sets every state topic of chain {@code name} that has no value ({@code known} says which have
         * one) to {@code False}, retained, as the notebook's "Start Topics" does.
         */
        public void start(String name, Predicate<String> known, long now, Output out,
                Supplier<String> newEchoId) {
            for (HandoffChain chain : chains) {
                if (!chain.name().equals(name)) {
                    continue;
                }
                for (String topic : chain.topics()) {
                    if (!known.test(topic)) {
                        LOG.infof("Handoff chain '%s': no value on %s, starting it at False", chain.name(), topic);
                        set(chain, topic, CylinderState.FALSE, chain.maxHops(), now, out, newEchoId);
                    }
                }
            }
        }

        /**
         * The cluster's egress publishes output {@code echoId} on {@code topic} again; if its echo came
         * back already, the next echo of the payload is swallowed.
         *
         * @return whether a duplicate is now expected
         */
        public boolean republished(String topic, String payload, String echoId, long now) {
            ChainEchoes expected = echoes.get(topic);
            if (expected == null || !expected.republished(echoId, payload, now)) {
                return false;
            }
            echoes.changed(topic, expected);
            return true;
        }

        /** 0 for an outside message; for the echo of one of our publishes, the hops that led to it. */
        private int hopsOf(TopicMessage message, long now) {
            ChainEchoes expected = echoes.get(message.topic());
            if (expected == null) {
                return 0;
            }
            int hops = expected.consume(message.payload().text().orElse(null), echoIdOf(message), now);
            echoes.changed(message.topic(), expected);
            return hops;
        }

        /** The id of the publish a message echoes ({@link #ECHO_ID_PROPERTY}), or null. */
        private String echoIdOf(TopicMessage message) {
            for (MessageProperties.UserProperty property : message.properties().userProperties()) {
                if (property.name().equals(ECHO_ID_PROPERTY)) {
                    return property.value();
                }
            }
            return null;
        }

        private void set(HandoffChain chain, String topic, String payload, int hops, long now, Output out,
                Supplier<String> newEchoId) {
            String echoId = newEchoId == null ? null : newEchoId.get();
            ChainEchoes expected = echoes.getOrCreate(topic, t -> new ChainEchoes());
            expected.expect(payload, hops, now, echoId);
            echoes.changed(topic, expected);
            out.publish(chain, new OutgoingMessage(topic, Payload.ofText(payload), 1, true), echoId);
        }
    }

    private void publish(Rule chain, OutgoingMessage message, String echoId) {
        publisher.forward(message).whenComplete((ok, failure) -> {
            if (failure == null) {
                chain.stats().countPublished(message.topic(), message.payload().toString());
            } else {
                LOG.warnf("Handoff chain '%s' could not publish %s=%s: %s", chain.name(), message.topic(), message.payload(),
                        failure.getMessage());
            }
        });
    }
}
