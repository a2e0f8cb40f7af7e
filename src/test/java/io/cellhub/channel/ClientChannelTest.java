package io.cellhub.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;

/**
 * {@link ClientChannel} reaches into the HiveMQ client's internals; these tests fail when a new client
 * version moves what it relies on. A real client talks to a scripted MQTT server over a real socket:
 * while reads are stopped, a PUBLISH the server sends does not arrive; once restarted, it does. With
 * flushes batched, a burst of QoS 1 PUBLISHes in one write gets every PUBACK back.
 */
class ClientChannelTest {

    private static final byte[] CONNACK_3 = { 0x20, 0x02, 0x00, 0x00 };
    private static final byte[] CONNACK_5 = { 0x20, 0x03, 0x00, 0x00, 0x00 };

    @Test
    void anMqtt5ClientStopsAndRestartsReading() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Mqtt5AsyncClient client = Mqtt5Client.builder().identifier("socket-reads-test").serverHost("127.0.0.1").serverPort(server.getLocalPort())
                    .buildAsync();
            LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
            client.publishes(MqttGlobalPublishFilter.ALL, publish -> received.add(publish.getTopic().toString()));
            assertThat(ClientChannel.setReading(client, false)).as("not applied before a connection").isFalse();
            var connected = client.connect();
            try (Socket device = accept(server, CONNACK_5, connected)) {
                provesReadsStopAndRestart(client, device, received, true);
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    void anMqtt311ClientStopsAndRestartsReading() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Mqtt3AsyncClient client = Mqtt3Client.builder().identifier("socket-reads-test").serverHost("127.0.0.1").serverPort(server.getLocalPort())
                    .buildAsync();
            LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
            client.publishes(MqttGlobalPublishFilter.ALL, publish -> received.add(publish.getTopic().toString()));
            var connected = client.connect();
            try (Socket device = accept(server, CONNACK_3, connected)) {
                provesReadsStopAndRestart(client, device, received, false);
            } finally {
                client.disconnect();
            }
        }
    }

    @Test
    void withFlushesBatchedABurstOfQos1PublishesGetsEveryPubAck() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Mqtt5AsyncClient client = Mqtt5Client.builder().identifier("flushes-test").serverHost("127.0.0.1")
                    .serverPort(server.getLocalPort())
                    .addConnectedListener(context -> ClientChannel.batchFlushes(context.getClientConfig()))
                    .buildAsync();
            LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
            client.publishes(MqttGlobalPublishFilter.ALL, publish -> received.add(publish.getTopic().toString()));
            var connected = client.connect();
            try (Socket device = accept(server, CONNACK_5, connected)) {
                assertThat(ClientChannel.of(client.getConfig()).orElseThrow().pipeline().first())
                        .as("the flush batching at the head of the pipeline")
                        .isInstanceOf(io.netty.handler.flush.FlushConsolidationHandler.class);

                int burst = 500;
                java.io.ByteArrayOutputStream publishes = new java.io.ByteArrayOutputStream();
                for (int id = 1; id <= burst; id++) {
                    publishes.write(qos1Publish("burst", id));
                }
                device.getOutputStream().write(publishes.toByteArray());
                device.getOutputStream().flush();
                DataInputStream in = new DataInputStream(device.getInputStream());
                device.setSoTimeout(10_000);
                for (int id = 1; id <= burst; id++) {
                    int type = in.readUnsignedByte();
                    int length = in.readUnsignedByte();
                    byte[] rest = in.readNBytes(length);
                    assertThat(type).as("PUBACK").isEqualTo(0x40);
                    assertThat(((rest[0] & 0xff) << 8) | (rest[1] & 0xff)).as("packet id of PUBACK %d", id).isEqualTo(id);
                }
                // the PUBACKs can reach the device before the callbacks have handed on the last messages: wait for those
                await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= burst);
                assertThat(received).hasSize(burst);
            } finally {
                client.disconnect();
            }
        }
    }

    /** An MQTT 5 QoS 1 PUBLISH of a one-byte payload. */
    private static byte[] qos1Publish(String topic, int packetId) {
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        int remaining = 2 + name.length + 2 + 1 + 1;
        byte[] packet = new byte[2 + remaining];
        int i = 0;
        packet[i++] = 0x32;
        packet[i++] = (byte) remaining;
        packet[i++] = 0;
        packet[i++] = (byte) name.length;
        System.arraycopy(name, 0, packet, i, name.length);
        i += name.length;
        packet[i++] = (byte) (packetId >> 8);
        packet[i++] = (byte) packetId;
        packet[i++] = 0; // no properties
        packet[i] = '1';
        return packet;
    }

    private static void provesReadsStopAndRestart(com.hivemq.client.mqtt.MqttClient client, Socket server,
            LinkedBlockingQueue<String> received, boolean mqtt5) throws Exception {
        OutputStream out = server.getOutputStream();
        out.write(publish("before", mqtt5));
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("before");

        assertThat(ClientChannel.setReading(client, false)).isTrue();
        // Netty completes a read already requested (epoll does; NIO does not): one read may still come
        out.write(publish("outstanding-read", mqtt5));
        out.flush();
        String outstanding = received.poll(1, TimeUnit.SECONDS);
        out.write(publish("while-stopped", mqtt5));
        out.flush();
        assertThat(received.poll(1, TimeUnit.SECONDS)).as("delivered although reads were stopped").isNull();

        assertThat(ClientChannel.setReading(client, true)).isTrue();
        if (outstanding == null) {
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("outstanding-read");
        }
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("while-stopped");
    }

    /** A QoS 0 PUBLISH of a one-byte payload. */
    private static byte[] publish(String topic, boolean mqtt5) {
        byte[] name = topic.getBytes(StandardCharsets.UTF_8);
        int remaining = 2 + name.length + (mqtt5 ? 1 : 0) + 1;
        byte[] packet = new byte[2 + remaining];
        int i = 0;
        packet[i++] = 0x30;
        packet[i++] = (byte) remaining;
        packet[i++] = 0;
        packet[i++] = (byte) name.length;
        System.arraycopy(name, 0, packet, i, name.length);
        i += name.length;
        if (mqtt5) {
            packet[i++] = 0; // no properties
        }
        packet[i] = '1';
        return packet;
    }

    /** Takes the client's connection: reads its CONNECT, answers with {@code connAck}, waits until the client is connected. */
    private static Socket accept(ServerSocket server, byte[] connAck, CompletableFuture<?> connected) throws Exception {
        Socket device = server.accept();
        try {
            skipPacket(device);
            device.getOutputStream().write(connAck);
            connected.get(10, TimeUnit.SECONDS);
            return device;
        } catch (Exception e) {
            device.close();
            throw e;
        }
    }

    /** Reads one MQTT packet (here the CONNECT) and ignores it. */
    private static void skipPacket(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        in.readUnsignedByte();
        int length = 0;
        int shift = 0;
        int digit;
        do {
            digit = in.readUnsignedByte();
            length |= (digit & 0x7f) << shift;
            shift += 7;
        } while ((digit & 0x80) != 0);
        in.skipNBytes(length);
    }
}
