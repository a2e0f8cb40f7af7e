package io.cellhub.dashboard;

import java.util.List;

/**
 * One page of cell cards: {@code total} cells match the search, {@code items} are this page's, and
 * {@code next} is the cursor of the next page (null on the last).
 */
public record CellPage(int total, List<CellCard> items, String next) {
}
