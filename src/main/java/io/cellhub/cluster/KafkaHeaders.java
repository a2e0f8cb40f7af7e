package io.cellhub.cluster;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers of a record CellHub writes. Kafka's public API has only the {@link Headers} and
 * {@link Header} interfaces (their implementations are in an {@code internals} package), so this is
 * the plain list CellHub's records carry. Not thread-safe; the producer and Kafka Streams take their
 * own copy when a record is sent or forwarded.
 */
final class KafkaHeaders implements Headers {

    private record Field(String key, byte[] value) implements Header {
    }

    private final List<Header> headers = new ArrayList<>(8);

    @Override
    public Headers add(Header header) {
        headers.add(header);
        return this;
    }

    @Override
    public Headers add(String key, byte[] value) {
        return add(new Field(key, value));
    }

    @Override
    public Headers remove(String key) {
        headers.removeIf(header -> header.key().equals(key));
        return this;
    }

    @Override
    public Header lastHeader(String key) {
        for (int i = headers.size() - 1; i >= 0; i--) {
            if (headers.get(i).key().equals(key)) {
                return headers.get(i);
            }
        }
        return null;
    }

    @Override
    public Iterable<Header> headers(String key) {
        return headers.stream().filter(header -> header.key().equals(key)).toList();
    }

    @Override
    public Header[] toArray() {
        return headers.toArray(Header[]::new);
    }

    @Override
    public Iterator<Header> iterator() {
        return headers.iterator();
    }
}
