package io.cellhub.deploy;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * {@code application.properties} under each profile it names, checked against CellHub's
 * {@code @ConfigMapping}s the way the runtime checks it at start: SmallRye Config refuses a key under a
 * mapped prefix that no method maps ({@code SRCFG00050}), and a build with that profile then stops at
 * start. The {@code native} profile is the one no other test starts. Durations and sizes convert with
 * Quarkus's own converters, as at run time.
 */
class ProfilesValidateTest {

    @ParameterizedTest
    @ValueSource(strings = { "prod", "dev", "test", "native" })
    void everyCellHubKeyOfTheProfileMapsToAMapping(String profile) throws IOException {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withProfile(profile)
                .withSources(new PropertiesConfigSource(ConfigKeys.APPLICATION_PROPERTIES.toUri().toURL()))
                .withConverter(Duration.class, 100, new DurationConverter())
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withValidateUnknown(true);
        ConfigKeys.cellHubMappings().forEach(builder::withMapping);

        assertThatCode(builder::build).as("application.properties under the profile %s", profile)
                .doesNotThrowAnyException();
    }
}
