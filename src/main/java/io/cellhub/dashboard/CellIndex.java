package io.cellhub.dashboard;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Singleton;

import io.cellhub.topic.LiveTopics;

/**
 * The cells of the fleet and which topics each has, kept up to date from the topics that first
 * arrived since the last read ({@link LiveTopics#arrivalsSince}): nothing runs per message, and a
 * read costs only the new topics, so 10,000 cells are not found again on every request. A cell is
 * any topic prefix carrying one of the average rules' inputs or outputs, a {@code status}, the
 * compact {@code joints} or flattened {@code joints/N} topics.
 */
@Singleton
public class CellIndex {

    private static final Pattern FLAT_JOINT = Pattern.compile("(.+)/" + CellBoard.JOINTS + "/(\\d{1,9})");

    private final LiveTopics topics;
    private final List<String> suffixes;
    private final Map<String, CellTopics> cells = new HashMap<>();
    private int position;
    private int changes;

    public CellIndex(LiveTopics topics, CellBoard board) {
        this.topics = topics;
        List<String> all = new ArrayList<>(board.readingSuffixes());
        all.add(CellBoard.STATUS);
        all.add(CellBoard.JOINTS);
        this.suffixes = List.copyOf(all);
    }

    /** Every cell known so far, in no particular order. */
    public synchronized List<CellTopics> cells() {
        position = topics.arrivalsSince(position, this::classify);
        return new ArrayList<>(cells.values());
    }

    /**
     * How often a cell appeared or gained a topic so far: a reader that kept what it read can tell
     * from it whether that is still every cell with every topic.
     */
    public synchronized int changes() {
        position = topics.arrivalsSince(position, this::classify);
        return changes;
    }

    private void classify(String topic) {
        Matcher flat = FLAT_JOINT.matcher(topic);
        if (flat.matches()) {
            update(flat.group(1), known -> known.withFlatJoint(Integer.parseInt(flat.group(2))));
            return;
        }
        for (String suffix : suffixes) {
            if (topic.length() > suffix.length() + 1 && topic.endsWith(suffix)
                    && topic.charAt(topic.length() - suffix.length() - 1) == '/') {
                String cell = topic.substring(0, topic.length() - suffix.length() - 1);
                update(cell, known -> known.withSuffix(suffix));
                return;
            }
        }
    }

    private void update(String cell, UnaryOperator<CellTopics> change) {
        CellTopics known = cells.get(cell);
        CellTopics changed = change.apply(known == null ? CellTopics.empty(cell) : known);
        if (changed != known) {
            cells.put(cell, changed);
            changes++;
        }
    }
}
