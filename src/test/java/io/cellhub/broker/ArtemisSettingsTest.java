package io.cellhub.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cellhub.support.DeviceClient;
import io.cellhub.support.FreePort;

/**
 * {@link ArtemisSettings} builds Artemis's configuration through classes of Artemis's {@code impl}
 * packages (its embedding API); every setting CellHub relies on is read back through the public
 * {@code Configuration} interface, so an Artemis upgrade that drops or changes one fails here.
 */
class ArtemisSettingsTest {

    @TempDir
    Path dataDir;

    @Test
    void theBrokerIsConfiguredAsCellHubAsksThroughArtemisPublicConfiguration() throws Exception {
        Configuration configuration = ArtemisSettings.of(config("127.0.0.1", 18830), dataDir, true);

        assertThat(configuration.isPersistenceEnabled()).isTrue();
        assertThat(configuration.getJournalDirectory()).isEqualTo(dataDir.resolve("journal").toString());
        assertThat(configuration.getPagingDirectory()).isEqualTo(dataDir.resolve("paging").toString());
        assertThat(configuration.isSecurityEnabled()).isTrue();
        assertThat(configuration.isJMXManagementEnabled()).isFalse();
        assertThat(configuration.getGlobalMaxSize()).isEqualTo(64L * 1024 * 1024);
        assertThat(configuration.getMaxDiskUsage()).isEqualTo(100);

        TransportConfiguration acceptor = configuration.getAcceptorConfigurations().iterator().next();
        assertThat(acceptor.getName()).isEqualTo(ArtemisSettings.ACCEPTOR);
        assertThat(acceptor.getParams()).containsEntry("port", "18830").containsEntry("host", "127.0.0.1")
                .containsEntry("remotingThreads", "1"); // a device's packets read in order (ArtemisSettings.acceptorUri)
        assertThat(acceptor.getExtraParams()).containsEntry("maximumPacketSize", "1048576");

        AddressSettings everyAddress = configuration.getAddressSettings().get("#");
        assertThat(everyAddress.getAddressFullMessagePolicy()).isEqualTo(AddressFullMessagePolicy.PAGE);
        assertThat(everyAddress.getMaxDeliveryAttempts()).isEqualTo(-1);
        assertThat(everyAddress.isEnableMetrics()).isFalse();
        assertThat(everyAddress.isAutoCreateAddresses()).isTrue();
        assertThat(everyAddress.getInitialQueueBufferSize()).as("Artemis's default").isNull();
        assertThat(configuration.getAddressSettings().get("$sys.mqtt.retain.#").getInitialQueueBufferSize())
                .isEqualTo(ArtemisSettings.RETAINED_QUEUE_BUFFER);
    }

    @Test
    void aRetainedTopicsQueueStartsWithASmallBufferAndPagesLikeEveryOtherQueue() throws Exception {
        int port = FreePort.find();
        try (ArtemisBroker broker = ArtemisBroker.start(config("127.0.0.1", port), dataDir, change -> {
        }, activity -> {
        })) {
            try (DeviceClient device = DeviceClient.v3(port, "buffer-device", true)) {
                device.publish("cellbuffer/state", "on", 1, true);
            }
            try (DeviceClient subscriber = DeviceClient.v3(port, "buffer-subscriber", false).subscribe("cellbuffer/#", 1)) {
                assertThat(subscriber.awaitMessage("cellbuffer/state").payload()).isEqualTo("on");

                Queue retained = broker.server().locateQueue(SimpleString.of("$sys.mqtt.retain.cellbuffer.state"));
                assertThat(retained).as("the retained topic's queue, where Artemis keeps its retained message").isNotNull();
                assertThat(retained.getInitialQueueBufferSize()).isEqualTo(ArtemisSettings.RETAINED_QUEUE_BUFFER);
                AddressSettings applied = broker.server().getAddressSettingsRepository().getMatch(retained.getAddress().toString());
                assertThat(applied.getAddressFullMessagePolicy()).as("merged with the settings of every address").isEqualTo(AddressFullMessagePolicy.PAGE);
                assertThat(applied.getMaxDeliveryAttempts()).isEqualTo(-1);

                Queue subscription = broker.server().locateQueue(SimpleString.of("buffer-subscriber.cellbuffer.#"));
                assertThat(subscription).as("the persistent subscription's queue").isNotNull();
                assertThat(subscription.getInitialQueueBufferSize()).as("Artemis's default").isEqualTo(8192);
            }
        }
    }

    @Test
    void anIpv6HostIsBracketedInTheAcceptorUri() {
        assertThat(ArtemisSettings.acceptorUri(config("::1", 1883))).startsWith("tcp://[::1]:1883?protocols=MQTT;");
    }

    private static BrokerConfig config(String host, int port) {
        return TestBrokerConfig.defaults(host, port);
    }
}
