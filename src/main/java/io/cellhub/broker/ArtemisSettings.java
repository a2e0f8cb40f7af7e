package io.cellhub.broker;

import java.nio.file.Path;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.protocol.mqtt.MQTTUtil;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * The embedded Apache ActiveMQ Artemis broker's configuration, made from {@code cellhub.broker.*}: one
 * MQTT acceptor, persistence under {@code <data-dir>/broker}, and memory bounded by paging to disk.
 * <p>
 * Why classes of Artemis's {@code impl} packages: they are its embedding API. Artemis documents
 * embedding with {@code new ConfigurationImpl()} (the {@code Configuration} interface has no other
 * public implementation but a {@code broker.xml} file), and {@code AddressSettings} and
 * {@code AddressFullMessagePolicy} exist only in {@code core.settings.impl}. No internal state is
 * touched: only their public setters. {@code ArtemisSettingsTest} reads every setting back through the
 * {@code Configuration} interface, and {@code EmbeddedBrokerTest} starts the broker with it, so an
 * Artemis upgrade that moves or changes them fails there.
 */
final class ArtemisSettings {

    static final String ACCEPTOR = "mqtt";

    /**
     * The address settings of the queues that hold retained messages: Artemis keeps each MQTT topic's
     * retained message in a queue of its own, on the address {@code $sys.mqtt.retain.<topic>}.
     */
    static final String RETAINED_QUEUES = MQTTUtil.MQTT_RETAIN_ADDRESS_PREFIX + "#";

    /**
     * The slots of a retained message's queue's intake buffer. Artemis starts every queue's buffer with
     * 8,192 slots (32 KB of heap), and a retained topic's queue never holds more than one message: with
     * 33,300 retained topics among 100,000 the live heap was 3,147 MB with Artemis's size and 2,087 MB
     * with this one ({@code bench/fleet-memory.sh}; docs/PERFORMANCE.md, "The embedded broker at fleet
     * scale"). The buffer links another chunk of this size if it ever needs one. Subscriptions' queues
     * keep Artemis's size.
     */
    static final int RETAINED_QUEUE_BUFFER = 16;

    private ArtemisSettings() {
    }

    static Configuration of(BrokerConfig config, Path dataDir, boolean checkCredentials) throws Exception {
        ConfigurationImpl configuration = new ConfigurationImpl();
        configuration.setName("cellhub-embedded-broker");
        configuration.setPersistenceEnabled(true);
        configuration.setJournalType(JournalType.NIO);
        configuration.setJournalDirectory(dataDir.resolve("journal").toString());
        configuration.setBindingsDirectory(dataDir.resolve("bindings").toString());
        configuration.setPagingDirectory(dataDir.resolve("paging").toString());
        configuration.setLargeMessagesDirectory(dataDir.resolve("large-messages").toString());
        configuration.setNodeManagerLockDirectory(dataDir.toString());
        // Two 10 MiB journal files to start with instead of Artemis's default pool, grown as needed.
        configuration.setJournalMinFiles(2);
        configuration.setJournalPoolFiles(4);
        configuration.setSecurityEnabled(checkCredentials);
        configuration.setJMXManagementEnabled(false);
        // Artemis's critical analyzer logs (or halts the JVM) when a component stalls, such as during a
        // long GC pause on a loaded two-core machine: CellHub's own health checks report what matters.
        configuration.setCriticalAnalyzer(false);
        // Artemis blocks producers once the disk is 90 % full by default, which on a laptop would stop
        // every device's publishes without a word to the device; block only when the disk is full.
        configuration.setMaxDiskUsage(100);
        configuration.setGlobalMaxSize(config.maxMemory());
        configuration.setGracefulShutdownEnabled(false);
        configuration.addAcceptorConfiguration(ACCEPTOR, acceptorUri(config));
        configuration.addAddressSetting("#", new AddressSettings()
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setMaxSizeBytes(-1)
                .setAutoCreateAddresses(true)
                .setAutoCreateQueues(true)
                .setAutoDeleteAddresses(true)
                .setAutoDeleteQueues(true)
                // An MQTT message is delivered until its subscriber acknowledges it, however often that
                // takes (CellHub restarting again and again): never moved aside after N attempts.
                .setMaxDeliveryAttempts(-1)
                // Per-address meters for a fleet of 100,000 topics would cost more than the messages.
                .setEnableMetrics(false));
        // Merged with "#" above: only the buffer differs.
        configuration.addAddressSetting(RETAINED_QUEUES, new AddressSettings().setInitialQueueBufferSize(RETAINED_QUEUE_BUFFER));
        return configuration;
    }

    /**
     * {@code tcp://host:port} for MQTT only, with the largest packet the broker accepts, and one network
     * thread. Artemis's default keep-alive and its receive maximum (65,535) stay.
     * <p>
     * One network thread, as Mosquitto has: it reads the sockets in the order their data arrived, so a
     * device's DISCONNECT is read before the CONNECT of its next connection. With Artemis's default (three
     * per core) another thread could read the new CONNECT first, and the broker then took the session over
     * from the old connection and dropped the messages it had not read yet: 135 to 151 of 2,000 in
     * {@code BrokerConformance.devicesThatReconnectAtOnceWithTheirOwnIdLoseNoQos0MessageAndKeepItsOrder}
     * (none with one thread). {@link ReconnectHandover} then keeps the connections' handling in order. The
     * thread only moves bytes; Artemis handles the packets on its pool.
     */
    static String acceptorUri(BrokerConfig config) {
        String host = config.host().contains(":") && !config.host().startsWith("[") ? "[" + config.host() + "]" : config.host();
        return "tcp://" + host + ":" + config.port() + "?protocols=MQTT;maximumPacketSize=" + config.maxMessageSize()
                + ";tcpNoDelay=true;remotingThreads=1";
    }
}
