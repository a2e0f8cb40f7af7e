package io.cellhub.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An MQTT 3.1.1 client written byte by byte, for what a real client library will not do: send
 * CONNECT and SUBSCRIBE in one write, split a packet across TCP segments, stop reading, receive a
 * message and never acknowledge it, or see a PUBLISH's DUP flag. Each method sends or reads exactly
 * the packets it says; nothing happens in the background (no keepalive, no automatic acks).
 */
public final class RawMqttClient implements AutoCloseable {

    /** One packet as read: its type (the high nibble of the first byte), its flags and its body. */
    public record Packet(int type, int flags, byte[] body) {

        public static final int CONNACK = 2;
        public static final int PUBLISH = 3;
        public static final int PUBACK = 4;
        public static final int PUBREC = 5;
        public static final int PUBREL = 6;
        public static final int PUBCOMP = 7;
        public static final int SUBACK = 9;

        public boolean dup() {
            return (flags & 0x08) != 0;
        }

        public int qos() {
            return (flags >> 1) & 0x03;
        }

        public boolean retain() {
            return (flags & 0x01) != 0;
        }

        public String topic() {
            int length = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
            return new String(body, 2, length, StandardCharsets.UTF_8);
        }

        /** The packet id of a PUBLISH at QoS 1 or 2. */
        public int packetId() {
            int at = type == PUBLISH ? 2 + (((body[0] & 0xff) << 8) | (body[1] & 0xff)) : 0;
            return ((body[at] & 0xff) << 8) | (body[at + 1] & 0xff);
        }

        public String payload() {
            int start = 2 + (((body[0] & 0xff) << 8) | (body[1] & 0xff)) + (qos() > 0 ? 2 : 0);
            return new String(body, start, body.length - start, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawMqttClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** A TCP connection to the broker; nothing sent yet. {@code receiveBuffer} 0 keeps the kernel's. */
    public static RawMqttClient open(int port, int receiveBuffer) {
        try {
            Socket socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            return new RawMqttClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CONNECT, then the CONNACK, which must accept. */
    public RawMqttClient connect(String clientId, boolean cleanSession) {
        send(connectPacket(clientId, cleanSession));
        Packet connack = read();
        if (connack.type() != Packet.CONNACK || connack.body()[1] != 0) {
            throw new AssertionError("CONNACK expected to accept, got type " + connack.type() + " code " + connack.body()[1]);
        }
        return this;
    }

    /** SUBSCRIBE, then the SUBACK, which must grant {@code qos}. */
    public RawMqttClient subscribe(String filter, int qos) {
        send(subscribePacket(1, filter, qos));
        Packet suback = read();
        if (suback.type() != Packet.SUBACK || suback.body()[2] != qos) {
            throw new AssertionError("SUBACK granting QoS " + qos + " expected, got type " + suback.type() + " code "
                    + suback.body()[2]);
        }
        return this;
    }

    /** Writes raw bytes as they are. */
    public void send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the next packet of any type. */
    public Packet read() {
        try {
            int first = in.readUnsignedByte();
            int length = 0;
            for (int shift = 0;; shift += 7) {
                int digit = in.readUnsignedByte();
                length |= (digit & 0x7f) << shift;
                if ((digit & 0x80) == 0) {
                    break;
                }
            }
            return new Packet(first >> 4, first & 0x0f, in.readNBytes(length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads packets up to the next PUBLISH. */
    public Packet nextPublish() {
        while (true) {
            Packet packet = read();
            if (packet.type() == Packet.PUBLISH) {
                return packet;
            }
        }
    }

    /** Sends the acknowledgement a received QoS 1 (PUBACK) or QoS 2 (PUBREC) PUBLISH asks for. */
    public void acknowledge(Packet publish) {
        if (publish.qos() == 1) {
            send(new byte[] { 0x40, 2, (byte) (publish.packetId() >> 8), (byte) publish.packetId() });
        } else if (publish.qos() == 2) {
            send(new byte[] { 0x50, 2, (byte) (publish.packetId() >> 8), (byte) publish.packetId() });
        }
    }

    public void setReadTimeout(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops the TCP connection without a DISCONNECT, as a device that loses its network does. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] connectPacket(String clientId, boolean cleanSession) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(4); // protocol level: 3.1.1
        body.write(cleanSession ? 0x02 : 0x00);
        body.write(0);
        body.write(60); // keepalive, seconds
        writeString(body, clientId);
        return packet(0x10, body.toByteArray());
    }

    public static byte[] subscribePacket(int packetId, String filter, int qos) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(packetId >> 8);
        body.write(packetId);
        writeString(body, filter);
        body.write(qos);
        return packet(0x82, body.toByteArray());
    }

    /** A QoS 0 PUBLISH. */
    public static byte[] publishPacket(String topic, String payload) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, topic);
        body.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
        return packet(0x30, body.toByteArray());
    }

    /** DISCONNECT: the client ends its connection gracefully. */
    public static byte[] disconnectPacket() {
        return packet(0xE0, new byte[0]);
    }

    static byte[] packet(int firstByte, byte[] body) {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(firstByte);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            packet.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        packet.writeBytes(body);
        return packet.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xff);
        out.writeBytes(bytes);
    }
}
