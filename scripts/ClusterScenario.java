import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * ClusterTakeoverIT's scenario against a running cluster (scripts/cluster.sh scenario): CELLS cells
 * publish {@code temperature1} every 100 ms with a per-cell increasing value and {@code temperature2}
 * fixed (so every input has one distinct average), the chains line1..line4 are triggered every 5 s,
 * for the given number of seconds; meanwhile kill and start replicas by hand. Then it prints the
 * figures: gaps, duplicates, order, longest pause of a cell, chain steps.
 * <p>
 * JDK only (a minimal MQTT 3.1.1 client), so it runs as {@code java scripts/ClusterScenario.java}.
 * Arguments: host port seconds cell-prefix [cells].
 */
public class ClusterScenario {

    static final long PERIOD_MILLIS = 100;
    static final int FIXED = 100;
    static final int CHAINS = 4;
    static final long TRIGGER_MILLIS = 5_000;

    record Seen(String topic, String payload, boolean retained, long at) {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        String prefix = args[3];
        int cells = args.length > 4 ? Integer.parseInt(args[4]) : 300;
        ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();

        Mqtt watcher = new Mqtt(host, port, prefix + "-watch",
                (topic, payload, retained) -> seen.add(new Seen(topic, payload, retained, System.nanoTime())));
        watcher.subscribe("+/avgtemperature", "+/cylinderOn");
        Mqtt fleet = new Mqtt(host, port, prefix + "-fleet", (t, p, r) -> { });
        for (int cell = 1; cell <= cells; cell++) {
            fleet.publish(prefix + cell + "/temperature2", String.valueOf(FIXED), true);
        }
        fleet.flush();
        Thread.sleep(2_000); // the chains' start values and the retained temperature2 reach the rule partitions

        long start = System.nanoTime();
        long nextTick = start;
        long nextTrigger = start + TimeUnit.MILLISECONDS.toNanos(TRIGGER_MILLIS);
        int ticks = 0;
        int triggers = 0;
        System.out.printf("Publishing: %d cells x 10/s, %d chains triggered every 5 s, for %d s%n", cells, CHAINS, seconds);
        long nextReport = start + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
            long now = System.nanoTime();
            if (now >= nextReport) {
                System.out.printf("  %2d s: %d inputs published, %d not yet acknowledged by the broker, %d averages seen%n",
                        TimeUnit.NANOSECONDS.toSeconds(now - start), (long) ticks * cells, fleet.unacknowledged(),
                        distinct(seen, prefix));
                nextReport += TimeUnit.SECONDS.toNanos(5);
            }
            if (now >= nextTrigger) {
                triggers++;
                for (int chain = 1; chain <= CHAINS; chain++) {
                    fleet.publish("line" + chain + "c1/cylinderOn", "True", false);
                }
                nextTrigger += TimeUnit.MILLISECONDS.toNanos(TRIGGER_MILLIS);
            }
            if (now >= nextTick) {
                ticks++;
                for (int cell = 1; cell <= cells; cell++) {
                    fleet.publish(prefix + cell + "/temperature1", String.valueOf(ticks), false);
                }
                fleet.flush();
                nextTick += TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);
            }
            Thread.sleep(2);
        }
        fleet.flush();
        System.out.printf("Published %d ticks (%d inputs), %d triggers; waiting for the last averages%n", ticks,
                (long) ticks * cells, triggers);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && fleet.unacknowledged() > 0) {
            Thread.sleep(250); // the broker has every input before the fleet disconnects
        }
        System.out.printf("The broker acknowledged every input %d ms after the last was published%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - (deadline - TimeUnit.SECONDS.toNanos(120))));
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && distinct(seen, prefix) < (long) ticks * cells) {
            Thread.sleep(250);
        }
        Thread.sleep(3_000);

        Map<String, List<Seen>> byCell = new HashMap<>();
        for (Seen s : seen) {
            if (s.topic().startsWith(prefix) && s.topic().endsWith("/avgtemperature") && !s.retained()) {
                byCell.computeIfAbsent(s.topic(), t -> new ArrayList<>()).add(s);
            }
        }
        int gaps = 0;
        int duplicates = 0;
        int outOfOrder = 0;
        long longestPause = 0;
        String longestPauseCell = null;
        for (int cell = 1; cell <= cells; cell++) {
            String topic = prefix + cell + "/avgtemperature";
            Map<String, Integer> counts = new HashMap<>();
            BigDecimal last = null;
            long lastAt = -1;
            for (Seen s : byCell.getOrDefault(topic, List.of())) {
                if (counts.merge(s.payload(), 1, Integer::sum) > 1) {
                    duplicates++;
                    continue;
                }
                BigDecimal value = new BigDecimal(s.payload());
                if (last != null && value.compareTo(last) <= 0) {
                    outOfOrder++;
                }
                if (lastAt >= 0 && s.at() - lastAt > longestPause) {
                    longestPause = s.at() - lastAt;
                    longestPauseCell = topic;
                }
                last = value;
                lastAt = s.at();
            }
            for (int value = 1; value <= ticks; value++) {
                if (!counts.containsKey(average(value))) {
                    gaps++;
                }
            }
        }
        Map<String, Map<String, Integer>> chainSteps = new TreeMap<>();
        Map<String, String> lastValues = new HashMap<>();
        for (Seen s : seen) {
            if (s.topic().startsWith("line") && s.topic().endsWith("/cylinderOn")) {
                lastValues.put(s.topic(), s.payload());
                if (!s.retained()) {
                    String chain = s.topic().substring(0, s.topic().indexOf('c', 4));
                    String step = s.topic().substring(chain.length(), s.topic().indexOf('/')) + "=" + s.payload();
                    chainSteps.computeIfAbsent(chain, c -> new TreeMap<>()).merge(step, 1, Integer::sum);
                }
            }
        }
        Map<String, String> chainEnds = new TreeMap<>();
        for (int chain = 1; chain <= CHAINS; chain++) {
            chainEnds.put("line" + chain, lastValues.get("line" + chain + "c1/cylinderOn") + "/"
                    + lastValues.get("line" + chain + "c2/cylinderOn") + "/" + lastValues.get("line" + chain + "c3/cylinderOn"));
        }
        System.out.printf("inputs: %d (%d cells x %d ticks); fleet publishes not acknowledged by the broker: %d%n",
                (long) ticks * cells, cells, ticks, fleet.unacknowledged());
        System.out.printf("gaps: %d, duplicates: %d, out of order: %d%n", gaps, duplicates, outOfOrder);
        System.out.printf("longest pause of any cell: %d ms (%s)%n", TimeUnit.NANOSECONDS.toMillis(longestPause),
                longestPauseCell);
        // what MQTT shows: an output the egress published again after a takeover counts twice here without being a
        // second step (ClusterTakeoverIT counts the steps in the output topic); a chain stepped twice shows c3 and c1 twice
        System.out.printf("chains: %d triggers each; outputs seen on MQTT %s; ends (c1/c2/c3) %s%n", triggers, chainSteps,
                chainEnds);
        watcher.close();
        fleet.close();
    }

    static long distinct(ConcurrentLinkedQueue<Seen> seen, String prefix) {
        return seen.stream().filter(s -> s.topic().startsWith(prefix) && s.topic().endsWith("/avgtemperature"))
                .map(s -> s.topic() + "=" + s.payload()).distinct().count();
    }

    static String average(int value) {
        return new BigDecimal(value + FIXED).divide(BigDecimal.valueOf(2)).stripTrailingZeros().toPlainString();
    }

    interface Receiver {
        void received(String topic, String payload, boolean retained);
    }

    /** A minimal MQTT 3.1.1 client: clean session, QoS 1 publishes and subscriptions, PUBACKs for what it receives. */
    static final class Mqtt implements AutoCloseable {

        private final Socket socket;
        private final OutputStream out;
        private final Receiver receiver;
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong acknowledged = new AtomicLong();
        private int packetId;
        private volatile boolean open = true;

        Mqtt(String host, int port, String clientId, Receiver receiver) throws IOException {
            this.receiver = receiver;
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
            Body connect = new Body().string("MQTT").bytes(4, 0x02, 0, 60).string(id);
            packet(0x10, connect);
            flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            if (in.readUnsignedByte() != 0x20 || in.readUnsignedByte() != 2 || in.readUnsignedByte() > 1
                    || in.readUnsignedByte() != 0) {
                throw new IOException("the broker refused the connection of " + clientId);
            }
            Thread reader = new Thread(() -> read(in), clientId);
            reader.setDaemon(true);
            reader.start();
            Thread ping = new Thread(this::ping, clientId + "-ping");
            ping.setDaemon(true);
            ping.start();
        }

        synchronized void subscribe(String... filters) throws IOException {
            Body body = new Body().bytes(0, 1);
            for (String filter : filters) {
                body.string(filter).bytes(1);
            }
            packet(0x82, body);
            flush();
        }

        synchronized void publish(String topic, String payload, boolean retain) throws IOException {
            packetId = packetId % 65535 + 1;
            Body body = new Body().string(topic).bytes(packetId >> 8, packetId & 0xFF);
            body.raw(payload.getBytes(StandardCharsets.UTF_8));
            packet(0x32 | (retain ? 1 : 0), body);
            sent.incrementAndGet();
        }

        synchronized void flush() throws IOException {
            out.flush();
        }

        long unacknowledged() {
            return sent.get() - acknowledged.get();
        }

        private void packet(int header, Body body) throws IOException {
            out.write(header);
            int length = body.size();
            do {
                int digit = length % 128;
                length /= 128;
                out.write(length > 0 ? digit | 0x80 : digit);
            } while (length > 0);
            body.writeTo(out);
        }

        private void read(DataInputStream in) {
            try {
                while (open) {
                    int header = in.readUnsignedByte();
                    int length = 0;
                    int shift = 0;
                    int digit;
                    do {
                        digit = in.readUnsignedByte();
                        length |= (digit & 0x7F) << shift;
                        shift += 7;
                    } while ((digit & 0x80) != 0);
                    byte[] body = new byte[length];
                    in.readFully(body);
                    int type = header >> 4;
                    if (type == 3) {
                        int qos = (header >> 1) & 3;
                        int topicLength = (body[0] & 0xFF) << 8 | body[1] & 0xFF;
                        String topic = new String(body, 2, topicLength, StandardCharsets.UTF_8);
                        int at = 2 + topicLength;
                        if (qos > 0) {
                            int id = (body[at] & 0xFF) << 8 | body[at + 1] & 0xFF;
                            at += 2;
                            synchronized (this) {
                                packet(0x40, new Body().bytes(id >> 8, id & 0xFF));
                                out.flush();
                            }
                        }
                        receiver.received(topic, new String(body, at, length - at, StandardCharsets.UTF_8), (header & 1) == 1);
                    } else if (type == 4) {
                        acknowledged.incrementAndGet();
                    }
                }
            } catch (IOException e) {
                if (open) {
                    System.err.println("MQTT connection lost: " + e);
                }
            }
        }

        private void ping() {
            while (open) {
                try {
                    Thread.sleep(20_000);
                    synchronized (this) {
                        out.write(0xC0);
                        out.write(0);
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            open = false;
            synchronized (this) {
                out.write(0xE0);
                out.write(0);
                out.flush();
            }
            socket.close();
        }
    }

    /** A packet's variable header and payload. */
    static final class Body {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        Body string(String text) {
            return string(text.getBytes(StandardCharsets.UTF_8));
        }

        Body string(byte[] utf8) {
            bytes(utf8.length >> 8, utf8.length & 0xFF);
            bytes.writeBytes(utf8);
            return this;
        }

        Body bytes(int... values) {
            for (int value : values) {
                bytes.write(value);
            }
            return this;
        }

        Body raw(byte[] data) {
            bytes.writeBytes(data);
            return this;
        }

        int size() {
            return bytes.size();
        }

        void writeTo(OutputStream out) throws IOException {
            bytes.writeTo(out);
        }
    }
}
