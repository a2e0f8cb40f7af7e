package io.cellhub.rule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.cellhub.topic.MessageProperties;
import io.cellhub.topic.Payload;
import io.cellhub.topic.TopicMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A chain in cluster mode when the egress publishes one of its outputs again after a takeover: the
 * chain steps once per output, whatever order the notice ({@code republished}) and the echoes reach
 * its partition in.
 */
class HandoffRepublishTest {

    private final List<String> published = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private final HandoffProcessor.Evaluator chain = processor().evaluator(new InMemoryRuleState());

    @Test
    void theFirstPublishsEchoReachingThePartitionAfterTheNoticeStepsTheChainOnce() {
        // the killed replica owned both the egress partition and the ingest space: its publish of c2=True
        // echoes only once the new ingest owner resumes the session, after the new egress owner's notice
        started();
        outside("line1c1/cylinderOn", "True");
        assertThat(published).containsExactly("line1c2/cylinderOn=True");
        String c2 = ids.get(ids.size() - 1);

        assertThat(chain.republished("line1c2/cylinderOn", "True", c2, 4_000)).isFalse();
        echo("line1c2/cylinderOn", "True", c2, 5_000); // the dead replica's publish
        echo("line1c2/cylinderOn", "True", c2, 5_010); // the new owner's publish of the same output

        assertThat(published).as("c3 is set once").containsExactly("line1c2/cylinderOn=True", "line1c3/cylinderOn=True");
    }

    @Test
    void anOutputTheDeadReplicaNeverPublishedStepsTheChainOnItsOnlyEcho() {
        started();
        outside("line1c1/cylinderOn", "True");
        String c2 = ids.get(ids.size() - 1);

        chain.republished("line1c2/cylinderOn", "True", c2, 4_000);
        echo("line1c2/cylinderOn", "True", c2, 5_000);

        assertThat(published).containsExactly("line1c2/cylinderOn=True", "line1c3/cylinderOn=True");
    }

    @Test
    void aNoticeAfterTheEchoSwallowsTheDuplicateAndNothingAfterIt() {
        started();
        outside("line1c1/cylinderOn", "True");
        String c2 = ids.get(ids.size() - 1);
        echo("line1c2/cylinderOn", "True", c2, 1_100);
        assertThat(published).containsExactly("line1c2/cylinderOn=True", "line1c3/cylinderOn=True");

        assertThat(chain.republished("line1c2/cylinderOn", "True", c2, 4_000)).isTrue();
        echo("line1c2/cylinderOn", "True", c2, 4_050);
        assertThat(published).as("the duplicate's echo steps nothing").hasSize(2);

        outside("line1c2/cylinderOn", "True");
        assertThat(published).as("a later outside True on c2 is a step again").hasSize(3).last()
                .isEqualTo("line1c3/cylinderOn=True");
    }

    @Test
    void withoutEchoIdsOnTheWireTheNoticeStillSwallowsADuplicateWhoseFirstEchoCameBack() {
        // a broker or ingest session of MQTT 3.1.1 carries no user properties
        started();
        outside("line1c1/cylinderOn", "True");
        String c2 = ids.get(ids.size() - 1);
        echo("line1c2/cylinderOn", "True", null, 1_100);

        assertThat(chain.republished("line1c2/cylinderOn", "True", c2, 4_000)).isTrue();
        echo("line1c2/cylinderOn", "True", null, 4_050);

        assertThat(published).containsExactly("line1c2/cylinderOn=True", "line1c3/cylinderOn=True");
    }

    private void started() {
        chain.start("line1", topic -> false, 0, this::output, this::newId);
        published.clear();
        // the start values' echoes
        List<String> startIds = List.copyOf(ids);
        echo("line1c1/cylinderOn", "False", startIds.get(0), 100);
        echo("line1c2/cylinderOn", "False", startIds.get(1), 100);
        echo("line1c3/cylinderOn", "False", startIds.get(2), 100);
        assertThat(published).isEmpty();
    }

    private void outside(String topic, String payload) {
        chain.onMessage(new TopicMessage(topic, Payload.ofText(payload), 1, false, Instant.ofEpochMilli(1_000)), 1_000,
                this::output, this::newId);
    }

    private void echo(String topic, String payload, String echoId, long now) {
        MessageProperties properties = echoId == null ? MessageProperties.NONE
                : MessageProperties.of(null, null, List.of(new MessageProperties.UserProperty(HandoffProcessor.ECHO_ID_PROPERTY,
                        echoId)), null, null, -1);
        chain.onMessage(new TopicMessage(topic, Payload.ofText(payload), 1, false, Instant.ofEpochMilli(now), false, properties),
                now, this::output, this::newId);
    }

    private void output(Rule rule, io.cellhub.publish.OutgoingMessage message, String echoId) {
        published.add(message.topic() + "=" + message.payload());
        ids.add(echoId);
    }

    private String newId() {
        return "out-" + nextId.incrementAndGet();
    }

    private static HandoffProcessor processor() {
        RulesConfig.Handoff line = new RulesConfig.Handoff() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public List<String> chain() {
                return List.of("line1c1", "line1c2", "line1c3");
            }

            @Override
            public String suffix() {
                return "cylinderOn";
            }

            @Override
            public Optional<Integer> maxHops() {
                return Optional.empty();
            }
        };
        RulesConfig config = new RulesConfig() {
            @Override
            public Map<String, Average> average() {
                return Map.of();
            }

            @Override
            public Map<String, Handoff> handoff() {
                return Map.of("line1", line);
            }
        };
        return new HandoffProcessor(config, null, null, new SimpleMeterRegistry());
    }
}
