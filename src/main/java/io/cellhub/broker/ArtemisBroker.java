package io.cellhub.broker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServiceRegistry;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

import io.cellhub.topic.DeviceActivity;
import io.cellhub.topic.RetainedChange;

/**
 * One running Apache ActiveMQ Artemis broker with CellHub's MQTT acceptor, data directory, users and
 * event feed, through Artemis's public embedding API: its configuration, MQTT interceptors
 * ({@link ReconnectHandover}, {@link PacketSizeLimit}, {@link RetainedChangeReporter},
 * {@link DeviceActivityReporter}) and broker plugins ({@link DeviceActivityReporter}, {@link PacketOrder},
 * {@link ReconnectHandover}) registered before it starts, so no packet of any client passes unseen.
 */
final class ArtemisBroker implements AutoCloseable {

    private final EmbeddedActiveMQ embedded;
    private final DeviceActivityReporter devices;

    private ArtemisBroker(EmbeddedActiveMQ embedded, DeviceActivityReporter devices) {
        this.embedded = embedded;
        this.devices = devices;
    }

    static ArtemisBroker start(BrokerConfig config, Path dataDir, Consumer<RetainedChange> retainedChanges,
            Consumer<DeviceActivity> deviceActivity) throws Exception {
        Files.createDirectories(dataDir);
        BrokerUsers users = BrokerUsers.from(config.passwordFile(), config.allowAnonymous());
        EmbeddedActiveMQ embedded = new EmbeddedActiveMQ()
                .setConfiguration(ArtemisSettings.of(config, dataDir, users.checksCredentials()))
                .setSecurityManager(users);
        embedded.createActiveMQServer();
        ActiveMQServer server = embedded.getActiveMQServer();
        DeviceActivityReporter devices = new DeviceActivityReporter(deviceActivity);
        ServiceRegistry services = server.getServiceRegistry();
        ReconnectHandover handover = new ReconnectHandover();
        services.addIncomingInterceptor(handover);
        services.addIncomingInterceptor(new PacketSizeLimit(config.maxMessageSize()));
        services.addIncomingInterceptor(new RetainedChangeReporter(retainedChanges));
        services.addIncomingInterceptor(devices);
        services.addOutgoingInterceptor(devices);
        server.registerBrokerPlugin(devices);
        server.registerBrokerPlugin(new PacketOrder(server));
        server.registerBrokerPlugin(handover);
        server.start();
        if (!server.isActive() || !server.getRemotingService().getAcceptor(ArtemisSettings.ACCEPTOR).isStarted()) {
            embedded.stop();
            throw new IllegalStateException("its MQTT listener did not start; the log above says why");
        }
        return new ArtemisBroker(embedded, devices);
    }

    ActiveMQServer server() {
        return embedded.getActiveMQServer();
    }

    /** Artemis stopped itself: its clients are gone, though it did not end their connections one by one. */
    void stoppedByItself() {
        devices.brokerStopped();
    }

    @Override
    public void close() throws Exception {
        embedded.stop();
    }
}
