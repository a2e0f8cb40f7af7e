package io.cellhub.rule;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * What one chain state topic is expected to bring back: the publishes of ours still to echo (with
 * the hops that led to each), the ids of those that did echo, and the duplicates to swallow.
 * <p>
 * A duplicate comes from the cluster's egress: a replica that takes over publishing a partition
 * publishes again what its predecessor may have published just before it died. In cluster mode every
 * publish carries its id to the broker and back (an MQTT 5 user property), so an echo names the publish
 * it echoes: the first echo of an id steps the chain, any later one is the duplicate, whichever order
 * the echoes and the egress's notice arrive in. Without ids on the wire (MQTT 3.1.1) only the notice
 * ({@link #republished}) helps: when the first publish has already echoed, the next echo of that payload
 * is the duplicate; when it has not, the notice cannot tell whether the dead replica published it at
 * all, and a second echo steps the chain again. Every entry expires after {@link #TTL_MILLIS}.
 */
public final class ChainEchoes {

    static final long TTL_MILLIS = 30_000;

    /** What {@link #consume} says of a message that is a swallowed duplicate. */
    static final int DUPLICATE = -1;

    private record Echo(String payload, int hops, long sentAt, String id) {
    }

    private record Seen(String id, long at) {
    }

    /** A duplicate to swallow: the next echo of {@code payload} without an id, or the echo of publish {@code id}. */
    private record Absorb(String payload, long at, String id) {
    }

    private final ArrayDeque<Echo> pending = new ArrayDeque<>();
    private final ArrayDeque<Seen> echoed = new ArrayDeque<>();
    private final ArrayDeque<Absorb> absorbing = new ArrayDeque<>();

    /**
     * Takes a message on the topic: 0 when it is an outside message, the hops that led to it when it
     * is the echo of a publish of ours, {@link #DUPLICATE} when it is a duplicate to swallow.
     * {@code id} is the id of the publish the message echoes, when the message carries one (cluster
     * mode over MQTT 5), else null: then echoes are told by their payload.
     */
    int consume(String payload, String id, long now) {
        expire(now);
        if (id != null) {
            for (Iterator<Echo> it = pending.iterator(); it.hasNext();) {
                Echo echo = it.next();
                if (id.equals(echo.id())) {
                    it.remove();
                    echoed.add(new Seen(id, now));
                    return echo.hops();
                }
            }
            for (Seen seen : echoed) {
                if (seen.id().equals(id)) {
                    // a notice may have armed a swallow for this duplicate: it is this one, not a later message
                    absorbing.removeIf(absorb -> id.equals(absorb.id()));
                    return DUPLICATE;
                }
            }
            return 0; // no publish of ours, or one whose expectation expired
        }
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

    /** {@link #consume(String, String, long)} of a message without an echo id. */
    int consume(String payload, long now) {
        return consume(payload, null, now);
    }

    /** Remembers a publish of ours on the topic; {@code id} names it to the egress (null on a single node). */
    void expect(String payload, int hops, long now, String id) {
        pending.add(new Echo(payload, hops, now, id));
    }

    /**
     * The egress publishes output {@code id} again after a takeover. When that output has already
     * echoed, the next echo of {@code payload} without an id, or the next echo of {@code id}, is a
     * duplicate: returns true and swallows it. (An echo that carries its id needs no notice: see
     * {@link #consume}.)
     */
    boolean republished(String id, String payload, long now) {
        expire(now);
        for (Seen seen : echoed) {
            if (seen.id().equals(id)) {
                absorbing.add(new Absorb(payload, now, id));
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

    /**
     * Counts, then entries as UTF-8 strings and longs; the absorbing entries' ids come last, after the
     * three sections of the form before them, so that a store written before ids were kept still reads.
     */
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
                out.writeInt(echoes.absorbing.size());
                for (Absorb absorb : echoes.absorbing) {
                    out.writeUTF(absorb.id() == null ? "" : absorb.id());
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
                List<Absorb> absorbing = new ArrayList<>();
                for (int n = in.readInt(); n > 0; n--) {
                    absorbing.add(new Absorb(in.readUTF(), in.readLong(), null));
                }
                if (in.available() > 0) {
                    int ids = in.readInt();
                    for (int n = 0; n < ids && n < absorbing.size(); n++) {
                        String id = in.readUTF();
                        Absorb absorb = absorbing.get(n);
                        absorbing.set(n, new Absorb(absorb.payload(), absorb.at(), id.isEmpty() ? null : id));
                    }
                }
                echoes.absorbing.addAll(absorbing);
            } catch (IOException e) {
                throw new UncheckedIOException("A chain's stored echoes could not be read: " + e.getMessage(), e);
            }
            return echoes;
        }
    };
}
