package io.cellhub.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.cellhub.topic.LiveTopics;
import io.cellhub.topic.NaturalOrder;
import io.cellhub.topic.TopicSnapshot;
import io.cellhub.web.RulesResource;

/**
 * The fleet as the Cells page reads it: a summary over every cell, and pages of cards for the cells
 * matching a search in one of the {@link CellOrder}s. Each read looks at every cell's topics once
 * (about 50,000 look-ups for 10,000 cells, a few milliseconds) and draws cards only for its page.
 * <p>
 * A page's cursor is the key of its last card ({@code name}, {@code <rank>~name} or
 * {@code <epoch ms>~name}); the next page holds the cards after it in the same order. Cells move as
 * they are seen, so in the last-seen order a busy cell can show up on two pages or on none.
 */
@ApplicationScoped
public class FleetView {

    /**
     * How long the cells' states are reused while no cell appears or gains a topic: the pages refresh
     * their summary every few seconds.
     */
    static final Duration STATES_TTL = Duration.ofSeconds(1);

    /** The cells' states as read at {@code takenAtNanos}, after the index's {@code changes}th change. */
    private record States(long takenAtNanos, int changes, List<CellState> states) {
    }

    private volatile States cached = new States(0, -1, List.of());

    private final CellIndex index;
    private final CellBoard board;
    private final LiveTopics topics;
    private final RulesResource rules;
    private final DashboardConfig config;

    public FleetView(CellIndex index, CellBoard board, LiveTopics topics, RulesResource rules, DashboardConfig config) {
        this.index = index;
        this.board = board;
        this.topics = topics;
        this.rules = rules;
        this.config = config;
    }

    public FleetSummary summary() {
        int[] counts = new int[CellState.State.values().length];
        List<CellState> states = states();
        states.forEach(state -> counts[state.state().ordinal()]++);
        return new FleetSummary(states.size(), counts[CellState.State.online.ordinal()],
                counts[CellState.State.stale.ordinal()], counts[CellState.State.offline.ordinal()],
                counts[CellState.State.unknown.ordinal()], rules.rules(), board.chains());
    }

    /** The cells whose name contains {@code search} (any case), in {@code order}, after {@code cursor}. */
    public CellPage page(String search, CellOrder order, String cursor, int limit) {
        String needle = search == null ? "" : search.strip().toLowerCase(Locale.ROOT);
        List<CellState> matching = new ArrayList<>();
        for (CellState state : states()) {
            if (needle.isEmpty() || state.name().toLowerCase(Locale.ROOT).contains(needle)) {
                matching.add(state);
            }
        }
        Comparator<CellState> comparator = comparator(order);
        matching.sort(comparator);
        int from = 0;
        if (cursor != null) {
            CellState after = parseCursor(order, cursor);
            while (from < matching.size() && comparator.compare(matching.get(from), after) <= 0) {
                from++;
            }
        }
        List<CellCard> cards = new ArrayList<>();
        for (int i = from; i < Math.min(matching.size(), from + limit); i++) {
            CellState state = matching.get(i);
            cards.add(board.card(state.topics(), state.state().name()));
        }
        String next = from + limit < matching.size() ? cursor(order, matching.get(from + limit - 1)) : null;
        return new CellPage(matching.size(), cards, next);
    }

    private List<CellState> states() {
        States current = cached;
        long now = System.nanoTime();
        int changes = index.changes();
        if (current.changes() == changes && now - current.takenAtNanos() < STATES_TTL.toNanos()) {
            return current.states();
        }
        List<CellState> fresh = List.copyOf(look());
        cached = new States(now, changes, fresh);
        return fresh;
    }

    private List<CellState> look() {
        Instant staleBefore = Instant.now().minus(config.staleAfter());
        List<CellTopics> cells = index.cells();
        List<CellState> states = new ArrayList<>(cells.size());
        for (CellTopics cell : cells) {
            Instant lastSeen = null;
            for (String topic : cell.topics()) {
                Optional<TopicSnapshot> snapshot = topics.get(topic);
                if (snapshot.isPresent() && (lastSeen == null || snapshot.get().last().receivedAt().isAfter(lastSeen))) {
                    lastSeen = snapshot.get().last().receivedAt();
                }
            }
            String status = cell.has(CellBoard.STATUS) ? topics.get(cell.name() + "/" + CellBoard.STATUS)
                    .flatMap(s -> s.last().payload().text()).map(String::strip).orElse(null) : null;
            states.add(new CellState(cell, status, lastSeen, state(status, lastSeen, staleBefore)));
        }
        return states;
    }

    private static CellState.State state(String status, Instant lastSeen, Instant staleBefore) {
        if ("offline".equalsIgnoreCase(status)) {
            return CellState.State.offline;
        }
        if (lastSeen == null || lastSeen.isBefore(staleBefore)) {
            return CellState.State.stale;
        }
        return "online".equalsIgnoreCase(status) ? CellState.State.online : CellState.State.unknown;
    }

    private static Comparator<CellState> comparator(CellOrder order) {
        Comparator<CellState> byName = Comparator.comparing(CellState::name, NaturalOrder.INSTANCE);
        return switch (order) {
            case name -> byName;
            case lastSeen -> Comparator.comparingLong(CellState::lastSeenMillis).reversed().thenComparing(byName);
            case alarm -> Comparator.comparing((CellState state) -> state.state()).thenComparing(byName);
        };
    }

    private static String cursor(CellOrder order, CellState last) {
        return switch (order) {
            case name -> last.name();
            case lastSeen -> last.lastSeenMillis() + "~" + last.name();
            case alarm -> last.state().ordinal() + "~" + last.name();
        };
    }

    /** A stand-in for the last card of the previous page, to compare the others with. */
    private static CellState parseCursor(CellOrder order, String cursor) {
        try {
            if (order == CellOrder.name) {
                return new CellState(CellTopics.empty(cursor), null, null, CellState.State.unknown);
            }
            int tilde = cursor.indexOf('~');
            String name = cursor.substring(tilde + 1);
            long key = Long.parseLong(cursor.substring(0, tilde));
            return order == CellOrder.lastSeen
                    ? new CellState(CellTopics.empty(name), null, key == Long.MIN_VALUE ? null : Instant.ofEpochMilli(key),
                            CellState.State.unknown)
                    : new CellState(CellTopics.empty(name), null, null, CellState.State.values()[(int) key]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'cursor' does not belong to the order '" + order + "': '" + cursor
                    + "'. Pass back the cursor of the previous page with the same 'sort'.");
        }
    }
}
