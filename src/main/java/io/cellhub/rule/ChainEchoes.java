package io.cellhub.rule;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * What one chain state topic is expected to bring back: the publishes of ours still to echo (with
 * the hops that led to each), the ids of those that did echo, and the duplicates to swallow.
 * <p>
 * A duplicate comes from the cluster's egress: a replica that takes over publishing a partition
 * publishes again what its predecessor may have published just before it died. The egress says so
 * first ({@link #republished}); when the first publish has already echoed, the next echo of that
 * payload is the duplicate and must not step the chain a second time. Every entry expires after
 * {@link #TTL_MILLIS}.
 */
public final class ChainEchoes {

    static final long TTL_MILLIS = 30_000;

    /** What {@link #consume} says of a message that is a swallowed duplicate. */
    static final int DUPLICATE = -1;

    private record Echo(String payload, int hops, long sentAt, String id) {
    }

    private record Seen(String id, long at) {
    }

    private record Absorb(String payload, long at) {
    }

    private final ArrayDeque<Echo> pending = new ArrayDeque<>();
    private final ArrayDeque<Seen> echoed = new ArrayDeque<>();
    private final ArrayDeque<Absorb> absorbing = new ArrayDeque<>();

    /**
     * Takes a message on the topic: 0 when it is an outside message, the hops that led to it when it
     * is the echo of a publish of ours, {@link #DUPLICATE} when it is a duplicate to swallow.
     */
    int consume(String payload, long now) {
        expire(now);
        if (pending.isEmpty() && absorbing.isEmpty()) {
            return 0;
        }
        for (Iterator<Absorb> it = absorbing.iterator(); it.hasNext();) {
            if (it.next().payload().equals(payload)) {
                it.remove();
                return DUPLICATE;
            }
        }
        for (Iterator<Echo> it = pending.iterator(); it.hasNext();) {
            Echo echo = it.next();
            if (echo.payload().equals(payload)) {
                it.remove();
                if (echo.id() != null) {
                    echoed.add(new Seen(echo.id(), now));
                }
                return echo.hops();
            }
        }
        return 0;
    }

    /** Remembers a publish of ours on the topic; {@code id} names it to the egress (null on a single node). */
    void expect(String payload, int hops, long now, String id) {
        pending.add(new Echo(payload, hops, now, id));
    }

    /**
     * The egress publishes output {@code id} again after a takeover. When that output has already
     * echoed, the next echo of {@code payload} is a duplicate: returns true and swallows it.
     */
    boolean republished(String id, String payload, long now) {
        expire(now);
        for (Seen seen : echoed) {
            if (seen.id().equals(id)) {
                absorbing.add(new Absorb(payload, now));
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return pending.isEmpty() && echoed.isEmpty() && absorbing.isEmpty();
    }

    private void expire(long now) {
        pending.removeIf(echo -> now - echo.sentAt() > TTL_MILLIS);
        echoed.removeIf(seen -> now - seen.at() > TTL_MILLIS);
        absorbing.removeIf(absorb -> now - absorb.at() > TTL_MILLIS);
    }

    /** Counts, then entries as UTF-8 strings and longs. */
    public static final StateCodec<ChainEchoes> CODEC = new StateCodec<>() {
        @Override
        public byte[] encode(ChainEchoes echoes) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(echoes.pending.size());
                for (Echo echo : echoes.pending) {
                    out.writeUTF(echo.payload());
                    out.writeInt(echo.hops());
                    out.writeLong(echo.sentAt());
                    out.writeUTF(echo.id() == null ? "" : echo.id());
                }
                out.writeInt(echoes.echoed.size());
                for (Seen seen : echoes.echoed) {
                    out.writeUTF(seen.id());
                    out.writeLong(seen.at());
                }
                out.writeInt(echoes.absorbing.size());
                for (Absorb absorb : echoes.absorbing) {
                    out.writeUTF(absorb.payload());
                    out.writeLong(absorb.at());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        @Override
        public ChainEchoes decode(byte[] encoded) {
            ChainEchoes echoes = new ChainEchoes();
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
                for (int n = in.readInt(); n > 0; n--) {
                    String payload = in.readUTF();
                    int hops = in.readInt();
                    long sentAt = in.readLong();
                    String id = in.readUTF();
                    echoes.pending.add(new Echo(payload, hops, sentAt, id.isEmpty() ? null : id));
                }
                for (int n = in.readInt(); n > 0; n--) {
                    echoes.echoed.add(new Seen(in.readUTF(), in.readLong()));
                }
                for (int n = in.readInt(); n > 0; n--) {
                    echoes.absorbing.add(new Absorb(in.readUTF(), in.readLong()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("A chain's stored echoes could not be read: " + e.getMessage(), e);
            }
            return echoes;
        }
    };
}
