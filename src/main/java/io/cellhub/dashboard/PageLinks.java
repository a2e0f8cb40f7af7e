package io.cellhub.dashboard;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.quarkus.qute.TemplateData;

/**
 * The paging links of a server-rendered list: {@code next} is the URL of the next page (null on the
 * last), {@code first} the URL of the first (null on the first page itself).
 */
@TemplateData
public record PageLinks(String first, String next, int shown) {

    /** Links for a page of {@code path} with the given query (already encoded, may be empty). */
    static PageLinks of(String path, String query, boolean onFirstPage, String nextCursor, int shown) {
        String base = path + "?" + (query.isEmpty() ? "" : query + "&");
        return new PageLinks(onFirstPage ? null : path + (query.isEmpty() ? "" : "?" + query),
                nextCursor == null ? null : base + "cursor=" + encode(nextCursor), shown);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
