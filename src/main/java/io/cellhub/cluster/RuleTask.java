package io.cellhub.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import io.cellhub.publish.OutgoingMessage;
import io.cellhub.rule.AverageProcessor;
import io.cellhub.rule.HandoffProcessor;
import io.cellhub.rule.Rule;
import io.cellhub.topic.Payload;
import io.cellhub.topic.TopicMessage;

/**
 * The rules of one ingest partition, as a Kafka Streams processor: the same rule code as on a single
 * node ({@link AverageProcessor.Evaluator}, {@link HandoffProcessor.Evaluator}) over the partition's
 * store ({@link StoreRuleState}). Each output is forwarded to the output topic with the input's key,
 * so a cell's outputs stay in one partition, in order. Under {@code exactly_once_v2} the input's
 * offset, the state change and the outputs are committed in one transaction.
 * <p>
 * Control records: {@code chain-start} sets a chain's start values once in the fleet's life (the
 * first replica to know the broker's retained state asks; later ones find the chain started),
 * {@code republished} tells a chain that the egress publishes one of its outputs again, and
 * {@code retained-value} loads a value the broker held retained when an ingest space subscribed into
 * the average rules that have none for that input yet (as the retained scan does on a single node).
 */
final class RuleTask implements Processor<String, byte[], String, byte[]> {

    static final String STORE = "cellhub-rule-state";
    private static final Logger LOG = Logger.getLogger(RuleTask.class);

    private final AverageProcessor averages;
    private final HandoffProcessor chains;
    private ProcessorContext<String, byte[]> context;
    private StoreRuleState state;
    private AverageProcessor.Evaluator averageRules;
    private HandoffProcessor.Evaluator chainRules;
    private String key;
    private long timestamp;

    RuleTask(AverageProcessor averages, HandoffProcessor chains) {
        this.averages = averages;
        this.chains = chains;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        KeyValueStore<String, byte[]> store = context.getStateStore(STORE);
        this.state = new StoreRuleState(store);
        this.averageRules = averages.evaluator(state);
        this.chainRules = chains.evaluator(state);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        key = record.key();
        timestamp = record.timestamp();
        long now = System.currentTimeMillis();
        String control = MqttRecords.text(record.headers(), MqttRecords.CONTROL);
        if (control != null) {
            control(control, record, now);
            return;
        }
        TopicMessage message = MqttRecords.message(record.headers(), record.value(), record.timestamp());
        if (message == null) {
            return;
        }
        averageRules.onMessage(message, (rule, out) -> forward(rule, out, null));
        chainRules.onMessage(message, now, this::forward, RuleTask::newEchoId);
    }

    private void control(String control, Record<String, byte[]> record, long now) {
        if (MqttRecords.CHAIN_START.equals(control)) {
            String chain = MqttRecords.text(record.headers(), MqttRecords.CHAIN);
            if (chain == null || state.chainStarted(chain)) {
                return;
            }
            Set<String> missing = new HashSet<>(Arrays.asList(new String(record.value(), StandardCharsets.UTF_8).split("\n")));
            chainRules.start(chain, topic -> !missing.contains(topic), now, this::forward, RuleTask::newEchoId);
            state.markChainStarted(chain);
            LOG.infof("Handoff chain '%s' started (its start values are set once for the fleet)", chain);
        } else if (MqttRecords.RETAINED_VALUE.equals(control)) {
            String topic = MqttRecords.text(record.headers(), MqttRecords.TOPIC);
            if (topic != null) {
                averageRules.recover(topic, Payload.adopt(record.value()));
            }
        } else if (MqttRecords.REPUBLISHED.equals(control)) {
            String topic = MqttRecords.text(record.headers(), MqttRecords.TOPIC);
            String echoId = MqttRecords.text(record.headers(), MqttRecords.ECHO_ID);
            if (topic != null && echoId != null) {
                String payload = new String(record.value(), StandardCharsets.UTF_8);
                if (chainRules.republished(topic, payload, echoId, now)) {
                    LOG.infof("The egress publishes %s=%s again after a takeover; its echo will not step the chain twice",
                            topic, payload);
                }
            }
        }
    }

    private void forward(Rule rule, OutgoingMessage out, String echoId) {
        context.forward(new Record<>(key, out.payload().toByteArray(), timestamp, MqttRecords.headers(out, rule.name(), echoId)));
        rule.stats().countPublished(out.topic(), out.payload().toString());
    }

    private static String newEchoId() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong());
    }
}
