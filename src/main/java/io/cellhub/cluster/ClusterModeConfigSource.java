package io.cellhub.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;

/**
 * The channel settings cluster mode needs, supplied when {@code cellhub.cluster.kafka.bootstrap-servers}
 * is set, above {@code application.properties} and below environment variables and system properties:
 * <ul>
 * <li>the {@code mqtt-in} channel is off: ingest is the {@link IngestOwnership}'s, one persistent
 * session per topic space held by one replica at a time, instead of one session per replica;</li>
 * <li>the {@code mqtt-out} channel gets a client id of this replica's own, so that replicas do not
 * take each other's connection;</li>
 * <li>{@code cellhub.cluster.replica-id} defaults to {@code <host name>-<process id>}.</li>
 * </ul>
 */
public class ClusterModeConfigSource implements ConfigSourceFactory {

    static final String BOOTSTRAP = "cellhub.cluster.kafka.bootstrap-servers";
    static final int ORDINAL = 260;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue bootstrap = context.getValue(BOOTSTRAP);
        if (bootstrap == null || bootstrap.getValue() == null || bootstrap.getValue().isBlank()) {
            return List.of();
        }
        Map<String, String> values = new HashMap<>();
        ConfigValue replica = context.getValue("cellhub.cluster.replica-id");
        String replicaId = replica != null && replica.getValue() != null && !replica.getValue().isBlank() ? replica.getValue()
                : defaultReplicaId();
        values.put("cellhub.cluster.replica-id", replicaId);
        values.put("mp.messaging.incoming.mqtt-in.enabled", "false");
        ConfigValue clientId = context.getValue("cellhub.ingest.client-id");
        String base = clientId != null && clientId.getValue() != null ? clientId.getValue() : "cellhub";
        values.put("mp.messaging.outgoing.mqtt-out.client-id", base + "-out-" + replicaId);
        return List.of(new MapBackedConfigSource("CellHub cluster mode", values, ORDINAL) {
            private static final long serialVersionUID = 1L;
        });
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    static String defaultReplicaId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "replica";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
