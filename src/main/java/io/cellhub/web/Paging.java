package io.cellhub.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.RestResponse;

/**
 * The paging every list endpoint shares: {@code limit} (a bounded default, a maximum) and
 * {@code cursor}, the key to continue after. The response body stays what it was (a client that
 * reads only the first page keeps working); the next page's URL comes in {@code Link: <...>;
 * rel="next"} (RFC 8288), absent on the last page. Endpoints whose body is an object also carry it as
 * {@code next}.
 */
public final class Paging {

    /** The {@code Link} header's description in the OpenAPI document. */
    public static final String LINK = "The next page, as `<url>; rel=\"next\"`; absent on the last page";
    public static final String CURSOR = "Continue after this key: the `next` cursor of the previous page "
            + "(also in its `Link` header). Absent for the first page";

    private Paging() {
    }

    /** Checks a requested page size against the endpoint's maximum. */
    public static int limit(int limit, int max) {
        if (limit < 1 || limit > max) {
            throw new BadRequestException("'limit' must be between 1 and " + max + ", was " + limit
                    + ". Follow the 'Link: rel=\"next\"' header (or 'next') for further pages.");
        }
        return limit;
    }

    /** A blank cursor is no cursor, so a form that sends {@code cursor=} starts at the first page. */
    public static String cursor(String cursor) {
        return cursor == null || cursor.isEmpty() ? null : cursor;
    }

    /** The list as the body, with the next page in {@code Link} when there is one. */
    public static <T> RestResponse<List<T>> page(List<T> items, String next, UriInfo uri) {
        return withLink(RestResponse.ResponseBuilder.ok(items), next, uri).build();
    }

    public static <T> RestResponse.ResponseBuilder<T> withLink(RestResponse.ResponseBuilder<T> response, String next,
            UriInfo uri) {
        return next == null ? response : response.header("Link", "<" + nextUrl(uri, next) + ">; rel=\"next\"");
    }

    /** The request's own path and query with {@code cursor} set to {@code next}. */
    static String nextUrl(UriInfo uri, String next) {
        StringBuilder url = new StringBuilder(uri.getRequestUri().getRawPath()).append('?');
        String query = uri.getRequestUri().getRawQuery();
        if (query != null) {
            for (String parameter : query.split("&")) {
                if (!parameter.isEmpty() && !parameter.equals("cursor") && !parameter.startsWith("cursor=")) {
                    url.append(parameter).append('&');
                }
            }
        }
        return url.append("cursor=").append(URLEncoder.encode(next, StandardCharsets.UTF_8).replace("+", "%20")).toString();
    }

    /**
     * The first {@code limit} of {@code items} fetched as {@code limit + 1}, and the key of the last
     * one kept when more followed.
     */
    public record Slice<T>(List<T> items, T last) {

        public static <T> Slice<T> of(List<T> fetched, int limit) {
            if (fetched.size() <= limit) {
                return new Slice<>(fetched, null);
            }
            List<T> items = fetched.subList(0, limit);
            return new Slice<>(List.copyOf(items), items.get(limit - 1));
        }

        public boolean hasMore() {
            return last != null;
        }
    }
}
