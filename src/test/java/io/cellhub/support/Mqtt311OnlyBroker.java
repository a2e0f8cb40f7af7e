package io.cellhub.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A broker that speaks MQTT 3.1.1 only, as older brokers do: a TCP front on a free loopback port
 * that answers an MQTT 5 CONNECT with the 3.1.1 CONNACK "unacceptable protocol version" (0x01) and
 * closes, and passes every other connection through to a real broker behind it, byte for byte.
 */
public final class Mqtt311OnlyBroker implements AutoCloseable {

    private final ServerSocket server;
    private final int upstreamPort;
    private final AtomicInteger refusedMqtt5 = new AtomicInteger();
    private volatile boolean closed;

    public Mqtt311OnlyBroker(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "mqtt311-only-broker");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** MQTT 5 CONNECTs refused so far. */
    public int refusedMqtt5() {
        return refusedMqtt5.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Thread handler = new Thread(() -> serve(client), "mqtt311-only-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            DataInputStream in = new DataInputStream(client.getInputStream());
            byte[] connect = readPacket(in);
            // the variable header starts after the fixed header: protocol name (2-byte length + "MQTT"), then the level
            int start = 1;
            while ((connect[start] & 0x80) != 0) {
                start++;
            }
            int level = connect[start + 1 + 6];
            if (level == 5) {
                refusedMqtt5.incrementAndGet();
                client.getOutputStream().write(new byte[] { 0x20, 0x02, 0x00, 0x01 });
                client.getOutputStream().flush();
                return;
            }
            try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
                upstream.getOutputStream().write(connect);
                Thread back = new Thread(() -> pipe(upstream, client), "mqtt311-only-pipe");
                back.setDaemon(true);
                back.start();
                pipe(client, upstream);
            }
        } catch (IOException e) {
            // the connection ended
        }
    }

    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0;) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private static byte[] readPacket(DataInputStream in) throws IOException {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(in.readUnsignedByte());
        int length = 0;
        for (int shift = 0;; shift += 7) {
            int digit = in.readUnsignedByte();
            packet.write(digit);
            length |= (digit & 0x7f) << shift;
            if ((digit & 0x80) == 0) {
                break;
            }
        }
        packet.write(in.readNBytes(length));
        return packet.toByteArray();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
