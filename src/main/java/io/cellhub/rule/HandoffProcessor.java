package io.cellhub.rule;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.cellhub.publish.MqttPublisher;
import io.cellhub.publish.OutgoingMessage;
import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.Payload;
import io.cellhub.topic.RetainedStateSettled;
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
 */
@Singleton
public class HandoffProcessor implements TopicListener {

    private static final Logger LOG = Logger.getLogger(HandoffProcessor.class);
    private static final long ECHO_TTL_NANOS = Duration.ofSeconds(30).toNanos();

    private final List<HandoffChain> chains = new ArrayList<>();
    private final Map<String, List<HandoffChain.Step>> stepsByUpstream = new HashMap<>();
    private final Map<String, ArrayDeque<Echo>> pendingEchoes = new HashMap<>();
    private final MqttPublisher publisher;
    private final LiveTopics topics;

    /** A publish of ours still to come back from the broker. */
    private record Echo(String payload, int hops, long sentAt) {
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
    }

    @Override
    public void onMessage(TopicMessage message) {
        List<HandoffChain.Step> steps = stepsByUpstream.get(message.topic());
        int hops = hopsOf(message);
        if (steps == null || message.replayed()) {
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
            publish(step.chain(), step.downstream(), CylinderState.write(step.value()), hops + 1);
        }
    }

    /**
     * The notebook's "Start Topics": once the broker's retained messages are in, every chain state
     * topic the broker holds no value for is set to {@code False}, retained.
     */
    void onRetainedStateSettled(@ObservesAsync RetainedStateSettled settled) {
        for (HandoffChain chain : chains) {
            for (String topic : chain.topics()) {
                if (topics.get(topic).isEmpty()) {
                    LOG.infof("Handoff chain '%s': no value on %s, starting it at False", chain.name(), topic);
                    publish(chain, topic, CylinderState.FALSE, chain.maxHops());
                }
            }
        }
    }

    public List<? extends Rule> rules() {
        return chains;
    }

    /** 0 for an outside message; for the echo of one of our publishes, the hops that led to it. */
    private synchronized int hopsOf(TopicMessage message) {
        ArrayDeque<Echo> echoes = pendingEchoes.get(message.topic());
        if (echoes == null) {
            return 0;
        }
        long now = System.nanoTime();
        echoes.removeIf(echo -> now - echo.sentAt() > ECHO_TTL_NANOS);
        String payload = message.payload().text().orElse(null);
        for (var it = echoes.iterator(); it.hasNext();) {
            Echo echo = it.next();
            if (echo.payload().equals(payload)) {
                it.remove();
                return echo.hops();
            }
        }
        return 0;
    }

    private synchronized void expectEcho(String topic, String payload, int hops) {
        pendingEchoes.computeIfAbsent(topic, t -> new ArrayDeque<>()).add(new Echo(payload, hops, System.nanoTime()));
    }

    private void publish(HandoffChain chain, String topic, String payload, int hops) {
        expectEcho(topic, payload, hops);
        publisher.forward(new OutgoingMessage(topic, Payload.ofText(payload), 1, true)).whenComplete((ok, failure) -> {
            if (failure == null) {
                chain.stats().countPublished(topic, payload);
            } else {
                LOG.warnf("Handoff chain '%s' could not publish %s=%s: %s", chain.name(), topic, payload, failure.getMessage());
            }
        });
    }
}
