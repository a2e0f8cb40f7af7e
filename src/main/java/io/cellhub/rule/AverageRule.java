package io.cellhub.rule;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

import io.cellhub.publish.OutgoingMessage;
import io.cellhub.topic.Payload;

/**
 * One average rule, for every cell of the fleet: the latest numeric value of each input of a cell,
 * and their mean published to the cell's output topic on each live input update once all inputs
 * have a value. The cells' inputs live in a {@link StateMap} the caller passes (memory on a single
 * node, a Kafka Streams store in cluster mode). Used from one thread at a time per state; the stats
 * are thread-safe.
 */
final class AverageRule implements Rule {

    private final String name;
    private final List<String> inputs;
    private final Map<String, Integer> inputIndex = new HashMap<>();
    private final String output;
    private final int cellLevels;
    private final int qos;
    private final boolean retain;
    private final RuleStats stats;
    private final Function<String, AverageInputs> newInputs;

    AverageRule(String name, RulesConfig.Average config, RuleStats stats) {
        this.name = name;
        this.inputs = List.copyOf(config.inputs());
        for (int i = 0; i < inputs.size(); i++) {
            inputIndex.put(inputs.get(i), i);
        }
        this.output = config.output();
        this.cellLevels = config.cellLevels();
        this.qos = config.qos();
        this.retain = config.retain();
        this.stats = stats;
        int size = inputs.size();
        this.newInputs = cell -> new AverageInputs(size);
    }

    /** The cell a topic belongs to and which input it is, when it is one of this rule's inputs. */
    record Input(String cell, int index) {
    }

    Optional<Input> input(String topic) {
        int end = -1;
        for (int level = 0; level < cellLevels; level++) {
            end = topic.indexOf('/', end + 1);
            if (end < 0) {
                return Optional.empty();
            }
        }
        Integer index = inputIndex.get(topic.substring(end + 1));
        return index == null ? Optional.empty() : Optional.of(new Input(topic.substring(0, end), index));
    }

    /**
     * Takes one input message. Returns the average to publish when the message is a live update and
     * every input of its cell has a value; a replayed message only updates the state.
     */
    Optional<OutgoingMessage> accept(StateMap<AverageInputs> cells, Input input, OptionalDouble number, boolean replayed) {
        stats.countReceived();
        if (number.isEmpty()) {
            stats.countIgnored();
            return Optional.empty();
        }
        AverageInputs cell = cells.getOrCreate(input.cell(), newInputs);
        cell.set(input.index(), number.getAsDouble());
        cells.changed(input.cell(), cell);
        if (replayed || !cell.complete()) {
            return Optional.empty();
        }
        return Optional.of(new OutgoingMessage(input.cell() + "/" + output, Payload.ofText(Decimal.mean(cell.values)), qos,
                retain));
    }

    /** Loads a value the rule has not seen yet, from state CellHub learned otherwise (the retained scan). */
    void recover(StateMap<AverageInputs> cells, Input input, OptionalDouble number) {
        if (number.isPresent()) {
            AverageInputs cell = cells.getOrCreate(input.cell(), newInputs);
            if (!cell.has(input.index())) {
                cell.set(input.index(), number.getAsDouble());
                cells.changed(input.cell(), cell);
            }
        }
    }

    int cellLevels() {
        return cellLevels;
    }

    @Override
    public Optional<String> output() {
        return Optional.of(output);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "average";
    }

    @Override
    public List<String> inputs() {
        return inputs;
    }

    @Override
    public RuleStats stats() {
        return stats;
    }
}
