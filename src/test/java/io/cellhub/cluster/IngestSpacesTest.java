package io.cellhub.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cellhub.ingest.IngestConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The topic spaces the cluster mode ingests: its own list, else the one ingest filter. */
class IngestSpacesTest {

    @Test
    void withoutSpacesTheOneIngestFilterIsTheOneSpace() {
        assertThat(IngestSpaces.of(config(Map.of("cellhub.ingest.filter", "#")).getConfigMapping(ClusterConfig.class),
                ingest(Map.of("cellhub.ingest.filter", "#")))).containsExactly("#");
    }

    @Test
    void namedSpacesWinOverTheIngestFilters() {
        Map<String, String> keys = Map.of("cellhub.ingest.filter", "+/temperature1,+/temperature2",
                "cellhub.cluster.ingest.spaces", "line1/#,line2/#");
        assertThat(IngestSpaces.of(config(keys).getConfigMapping(ClusterConfig.class), ingest(keys)))
                .containsExactly("line1/#", "line2/#");
    }

    @Test
    void severalIngestFiltersWithoutSpacesAreRefusedWithWhatToSet() {
        Map<String, String> keys = Map.of("cellhub.ingest.filter", "+/temperature1,+/temperature2");
        assertThatThrownBy(() -> IngestSpaces.of(config(keys).getConfigMapping(ClusterConfig.class), ingest(keys)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cellhub.cluster.ingest.spaces").hasMessageContaining("+/temperature1,+/temperature2");
    }

    private static IngestConfig ingest(Map<String, String> keys) {
        return config(keys).getConfigMapping(IngestConfig.class);
    }

    private static SmallRyeConfig config(Map<String, String> keys) {
        Map<String, String> all = new HashMap<>(Map.of("cellhub.ingest.client-id", "cellhub"));
        all.putAll(keys);
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(all, "test", 100))
                .withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(IngestConfig.class).withMapping(ClusterConfig.class).build();
    }
}
