package io.cellhub.topic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * The live topics indexed by level, in natural order, for reads that must not scan every topic: one
 * level of the tree with counts, and the topics matching a filter with the filter's literal levels
 * looked up rather than searched. It also keeps the topics in the order they first arrived, so a
 * reader can catch up on what is new since it last looked.
 * <p>
 * It changes only when a topic appears for the first time (topics are never removed), under one
 * lock; messages on known topics never touch it. Readers take no lock: children live in concurrent
 * skip lists and counters are volatile, so a read running beside a new topic may or may not count it.
 */
final class TopicTree {

    private static final int CHUNK_BITS = 12;
    private static final int CHUNK = 1 << CHUNK_BITS;

    /** One level of one topic prefix. */
    static final class Node {
        final String name;
        final Node parent;
        volatile ConcurrentSkipListMap<String, Node> children;
        volatile TopicEntry entry;
        /** Topics at or below this node. */
        volatile int topics;
        volatile int childCount;

        Node(String name, Node parent) {
            this.name = name;
            this.parent = parent;
        }

        String path() {
            if (parent == null) {
                return null;
            }
            String above = parent.path();
            return above == null ? name : above + "/" + name;
        }

        Node child(String name) {
            Map<String, Node> map = children;
            return map == null ? null : map.get(name);
        }
    }

    private final Node root = new Node(null, null);
    private final Object lock = new Object();
    private volatile String[][] arrivals = new String[16][];
    private volatile int arrived;

    /** Adds a topic seen for the first time; called once per topic. */
    void add(String topic, TopicEntry entry) {
        synchronized (lock) {
            Node node = root;
            node.topics++;
            int start = 0;
            while (true) {
                int slash = topic.indexOf('/', start);
                String name = slash < 0 ? topic.substring(start) : topic.substring(start, slash);
                ConcurrentSkipListMap<String, Node> children = node.children;
                if (children == null) {
                    children = new ConcurrentSkipListMap<>(NaturalOrder.INSTANCE);
                    node.children = children;
                }
                Node next = children.get(name);
                if (next == null) {
                    next = new Node(name, node);
                    children.put(name, next);
                    node.childCount++;
                }
                node = next;
                node.topics++;
                if (slash < 0) {
                    break;
                }
                start = slash + 1;
            }
            node.entry = entry;
            arrive(topic);
        }
    }

    private void arrive(String topic) {
        int index = arrived;
        String[][] chunks = arrivals;
        int chunk = index >>> CHUNK_BITS;
        if (chunk == chunks.length) {
            chunks = java.util.Arrays.copyOf(chunks, chunks.length * 2);
            arrivals = chunks;
        }
        if (chunks[chunk] == null) {
            chunks[chunk] = new String[CHUNK];
        }
        chunks[chunk][index & (CHUNK - 1)] = topic;
        arrived = index + 1;
    }

    /** How many topics have arrived so far: positions {@code 0..arrived()-1} are readable. */
    int arrived() {
        return arrived;
    }

    String arrival(int position) {
        if (position >= arrived) {
            throw new IndexOutOfBoundsException(position);
        }
        return arrivals[position >>> CHUNK_BITS][position & (CHUNK - 1)];
    }

    /**
     * One page of the children of {@code prefix} (null for the top level) that have topics matching
     * {@code filter}, in natural order after {@code after} (exclusive; null for the first page).
     */
    TopicLevel level(String prefix, TopicFilter filter, String after, int limit) {
        String[] f = filter.levels();
        Node node = root;
        int depth = 0;
        boolean allBelow = false;
        if (prefix != null) {
            for (String name : prefix.split("/", -1)) {
                if (!allBelow) {
                    if (depth >= f.length || !levelMatches(f, depth, name)) {
                        return TopicLevel.EMPTY;
                    }
                    allBelow = f[depth].equals("#");
                }
                node = node.child(name);
                if (node == null) {
                    return TopicLevel.EMPTY;
                }
                depth++;
            }
        }
        NavigableMap<String, Node> children = node.children;
        if (children == null) {
            return TopicLevel.EMPTY;
        }
        boolean skipDollar = depth == 0 && hidesDollar(f);
        if (allBelow || (depth < f.length && f[depth].equals("#"))) {
            return wholeLevel(node, children, skipDollar, after, limit);
        }
        // Filtered: every child is looked at for the level's totals; the page keeps those after 'after'.
        List<TopicBranch> page = new ArrayList<>(Math.min(limit, 256));
        int matchingChildren = 0;
        long matchingTopics = 0;
        String next = null;
        for (Node child : children.values()) {
            if (!childMatches(f, depth, child)) {
                continue;
            }
            Stats stats = new Stats();
            filtered(child, depth, f, stats, true);
            if (stats.topics == 0) {
                continue;
            }
            matchingChildren++;
            matchingTopics += stats.topics;
            if (after == null || NaturalOrder.INSTANCE.compare(child.name, after) > 0) {
                if (page.size() < limit) {
                    page.add(branch(child, stats, ownMatches(f, depth)));
                } else if (next == null) {
                    next = page.get(page.size() - 1).name();
                }
            }
        }
        return new TopicLevel(page, matchingChildren, matchingTopics, next);
    }

    /** A level whose every topic matches: its totals come from the counters, only the page is walked. */
    private static TopicLevel wholeLevel(Node node, NavigableMap<String, Node> children, boolean skipDollar, String after,
            int limit) {
        int childCount = node.childCount;
        long topics = node.topics - (node.entry == null ? 0 : 1);
        if (skipDollar) {
            for (Node hidden : children.tailMap("$", true).values()) {
                if (!TopicName.isReserved(hidden.name)) {
                    break;
                }
                childCount--;
                topics -= hidden.topics;
            }
        }
        NavigableMap<String, Node> from = after == null ? children : children.tailMap(after, false);
        List<TopicBranch> page = new ArrayList<>(Math.min(limit, 256));
        for (Node child : from.values()) {
            if (skipDollar && TopicName.isReserved(child.name)) {
                continue;
            }
            if (page.size() == limit) {
                return new TopicLevel(page, childCount, topics, page.get(page.size() - 1).name());
            }
            Stats stats = new Stats();
            everything(child, stats, true);
            page.add(branch(child, stats, true));
        }
        return new TopicLevel(page, childCount, topics, null);
    }

    /** Every topic entry matching {@code filter}; the filter's literal levels are looked up, not searched. */
    void forEachMatching(TopicFilter filter, Consumer<TopicEntry> action) {
        String[] f = filter.levels();
        Map<String, Node> children = root.children;
        if (children == null) {
            return;
        }
        if (isLiteral(f[0])) {
            Node child = root.child(f[0]);
            if (child != null) {
                visit(child, 0, f, action);
            }
            return;
        }
        for (Node child : children.values()) {
            if (childMatches(f, 0, child)) {
                visit(child, 0, f, action);
            }
        }
    }

    private void visit(Node node, int depth, String[] f, Consumer<TopicEntry> action) {
        if (f[depth].equals("#")) {
            everyEntry(node, action);
            return;
        }
        TopicEntry entry = node.entry;
        if (entry != null && ownMatches(f, depth)) {
            action.accept(entry);
        }
        int next = depth + 1;
        if (next >= f.length || node.children == null) {
            return;
        }
        if (isLiteral(f[next])) {
            Node child = node.child(f[next]);
            if (child != null) {
                visit(child, next, f, action);
            }
        } else {
            for (Node child : node.children.values()) {
                visit(child, next, f, action);
            }
        }
    }

    private static void everyEntry(Node node, Consumer<TopicEntry> action) {
        TopicEntry entry = node.entry;
        if (entry != null) {
            action.accept(entry);
        }
        Map<String, Node> children = node.children;
        if (children != null) {
            for (Node child : children.values()) {
                everyEntry(child, action);
            }
        }
    }

    /** What lies at and below a node, all of it matching. */
    private static void everything(Node node, Stats stats, boolean top) {
        TopicEntry entry = node.entry;
        if (entry != null) {
            long count = entry.count();
            if (count > 0) {
                stats.topics++;
                stats.messages += count;
            }
        }
        Map<String, Node> children = node.children;
        if (children != null) {
            for (Node child : children.values()) {
                if (top) {
                    long before = stats.topics;
                    everything(child, stats, false);
                    if (stats.topics > before) {
                        stats.children++;
                    }
                } else {
                    everything(child, stats, false);
                }
            }
        }
    }

    /** What lies at and below a node matched at {@code depth}, under the filter's remaining levels. */
    private static void filtered(Node node, int depth, String[] f, Stats stats, boolean top) {
        if (f[depth].equals("#")) {
            everything(node, stats, top);
            return;
        }
        TopicEntry entry = node.entry;
        if (entry != null && ownMatches(f, depth)) {
            long count = entry.count();
            if (count > 0) {
                stats.topics++;
                stats.messages += count;
            }
        }
        int next = depth + 1;
        Map<String, Node> children = node.children;
        if (next >= f.length || children == null) {
            return;
        }
        if (isLiteral(f[next])) {
            Node child = node.child(f[next]);
            if (child != null) {
                countChild(child, next, f, stats, top);
            }
        } else {
            for (Node child : children.values()) {
                countChild(child, next, f, stats, top);
            }
        }
    }

    private static void countChild(Node child, int depth, String[] f, Stats stats, boolean top) {
        long before = stats.topics;
        filtered(child, depth, f, stats, false);
        if (top && stats.topics > before) {
            stats.children++;
        }
    }

    private static TopicBranch branch(Node child, Stats stats, boolean ownMatches) {
        TopicEntry entry = child.entry;
        TopicSnapshot snapshot = entry != null && ownMatches ? entry.snapshot().orElse(null) : null;
        return new TopicBranch(child.name, child.path(), stats.children, stats.topics, stats.messages, snapshot);
    }

    /** A topic ending at {@code depth} (0-based) matches when the filter ends there or continues only with '#'. */
    private static boolean ownMatches(String[] f, int depth) {
        return f[depth].equals("#") || depth == f.length - 1 || (depth == f.length - 2 && f[f.length - 1].equals("#"));
    }

    private static boolean childMatches(String[] f, int depth, Node child) {
        if (depth >= f.length) {
            return false;
        }
        if (depth == 0 && hidesDollar(f) && TopicName.isReserved(child.name)) {
            return false;
        }
        return levelMatches(f, depth, child.name);
    }

    private static boolean levelMatches(String[] f, int depth, String name) {
        if (depth == 0 && hidesDollar(f) && TopicName.isReserved(name)) {
            return false;
        }
        String level = f[depth];
        return level.equals("#") || level.equals("+") || level.equals(name);
    }

    /** A filter starting with a wildcard never matches a topic starting with '$'. */
    private static boolean hidesDollar(String[] f) {
        return !isLiteral(f[0]);
    }

    private static boolean isLiteral(String level) {
        return !level.equals("+") && !level.equals("#");
    }

    private static final class Stats {
        int children;
        long topics;
        long messages;
    }
}
