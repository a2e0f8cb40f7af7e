package io.cellhub.dashboard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cellhub.rule.AverageProcessor;
import io.cellhub.rule.CylinderState;
import io.cellhub.rule.HandoffProcessor;
import io.cellhub.rule.Rule;
import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.NumberReading;
import io.cellhub.topic.TopicMessage;
import io.cellhub.topic.TopicSnapshot;

/**
 * Draws cells as cards out of the live topic state: the average rules' readings with their recent
 * numbers, the status, and the joints from the compact {@code joints} JSON object or the flattened
 * {@code joints/N} topics, whichever arrived last. {@link CellIndex} knows which cells there are.
 */
@ApplicationScoped
public class CellBoard {

    static final String STATUS = "status";
    static final String JOINTS = "joints";
    private static final Pattern JSON_JOINT = Pattern.compile("\\D*(\\d+)");

    private final LiveTopics topics;
    private final AverageProcessor averages;
    private final HandoffProcessor handoffs;
    private final NumberReading reading;
    private final ObjectMapper json;

    public CellBoard(LiveTopics topics, AverageProcessor averages, HandoffProcessor handoffs, NumberReading reading,
            ObjectMapper json) {
        this.topics = topics;
        this.averages = averages;
        this.handoffs = handoffs;
        this.reading = reading;
        this.json = json;
    }

    /** The reading suffixes in the order cards show them: each average rule's inputs, then its output. */
    public List<String> readingSuffixes() {
        Set<String> suffixes = new LinkedHashSet<>();
        for (Rule rule : averages.rules()) {
            suffixes.addAll(rule.inputs());
            rule.output().ifPresent(suffixes::add);
        }
        return List.copyOf(suffixes);
    }

    /** The card of one cell, from the live state of the topics it has. */
    public CellCard card(CellTopics cell, String state) {
        Map<String, TopicSnapshot> found = new LinkedHashMap<>();
        for (String suffix : cell.suffixes()) {
            topics.get(cell.name() + "/" + suffix).ifPresent(snapshot -> found.put(suffix, snapshot));
        }
        for (int index : cell.flatJoints()) {
            topics.get(cell.name() + "/" + JOINTS + "/" + index).ifPresent(snapshot -> found.put(JOINTS + "/" + index, snapshot));
        }
        return card(cell.name(), found, state);
    }

    /** An empty card with every reading, which the page copies for cells that appear while it is open. */
    public CellCard blank() {
        return card("", Map.of(), "unknown");
    }

    public List<ChainCard> chains() {
        return handoffs.rules().stream().map(rule -> new ChainCard(rule.name(), rule.inputs().stream().map(topic -> {
            Boolean on = topics.get(topic).flatMap(s -> CylinderState.read(s.last().payload())).orElse(null);
            int slash = topic.indexOf('/');
            return new ChainCard.Step(topic, slash > 0 ? topic.substring(0, slash) : topic, on);
        }).toList())).toList();
    }

    private CellCard card(String cell, Map<String, TopicSnapshot> found, String state) {
        List<CellCard.Reading> readings = new ArrayList<>();
        for (Rule rule : averages.rules()) {
            List<String> suffixes = new ArrayList<>(rule.inputs());
            rule.output().ifPresent(suffixes::add);
            boolean shown = suffixes.stream().anyMatch(found::containsKey);
            for (String suffix : suffixes) {
                TopicSnapshot snapshot = found.get(suffix);
                String topic = cell + "/" + suffix;
                readings.add(new CellCard.Reading(topic, suffix, rule.name(),
                        snapshot == null ? null : snapshot.last().payload().text().orElse("(binary)"),
                        rule.output().filter(suffix::equals).isPresent(), shown, points(topic)));
            }
        }
        TopicSnapshot status = found.get(STATUS);
        Instant lastSeen = found.values().stream().map(s -> s.last().receivedAt()).max(Comparator.naturalOrder()).orElse(null);
        return new CellCard(cell, status == null ? "unknown" : status.last().payload().text().orElse("unknown").strip(),
                state, lastSeen, readings, cell + "/" + JOINTS, joints(found));
    }

    private String points(String topic) {
        StringBuilder points = new StringBuilder();
        for (TopicMessage message : topics.history(topic)) {
            OptionalDouble number = message.payload().number(reading);
            if (number.isPresent()) {
                points.append(points.isEmpty() ? "" : " ").append(number.getAsDouble());
            }
        }
        return points.toString();
    }

    /** The joints from whichever form arrived last: the compact JSON object or the flattened topics. */
    private List<CellCard.Joint> joints(Map<String, TopicSnapshot> found) {
        TopicSnapshot compact = found.get(JOINTS);
        Instant flatAt = found.entrySet().stream().filter(e -> e.getKey().startsWith(JOINTS + "/"))
                .map(e -> e.getValue().last().receivedAt()).max(Comparator.naturalOrder()).orElse(Instant.MIN);
        if (compact != null && !compact.last().receivedAt().isBefore(flatAt)) {
            return compactJoints(compact);
        }
        Map<Integer, Double> angles = new TreeMap<>();
        found.forEach((suffix, snapshot) -> {
            if (suffix.startsWith(JOINTS + "/")) {
                snapshot.last().payload().number(reading)
                        .ifPresent(angle -> angles.put(Integer.parseInt(suffix.substring(JOINTS.length() + 1)), angle));
            }
        });
        return angles.entrySet().stream().map(e -> new CellCard.Joint(e.getKey(), e.getValue())).toList();
    }

    private List<CellCard.Joint> compactJoints(TopicSnapshot compact) {
        List<CellCard.Joint> joints = new ArrayList<>();
        try {
            JsonNode node = json.readTree(compact.last().payload().toByteArray());
            if (node != null && node.isObject()) {
                Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
                int position = 0;
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    if (field.getValue().isNumber()) {
                        Matcher index = JSON_JOINT.matcher(field.getKey());
                        joints.add(new CellCard.Joint(index.matches() ? Integer.parseInt(index.group(1)) : position,
                                field.getValue().asDouble()));
                    }
                    position++;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return List.of();
        }
        return joints;
    }

}
