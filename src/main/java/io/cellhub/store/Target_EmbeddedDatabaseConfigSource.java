package io.cellhub.store;

import java.util.List;

import org.eclipse.microprofile.config.spi.ConfigSource;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

import io.smallrye.config.ConfigSourceContext;

/**
 * GraalVM substitution, applied only by native-image: in a native executable
 * {@link EmbeddedDatabaseConfigSource} supplies nothing, whatever the configuration says, so the
 * embedded PostgreSQL code (zonky and the binaries it unpacks) is unreachable and left out of the image.
 */
@TargetClass(EmbeddedDatabaseConfigSource.class)
final class Target_EmbeddedDatabaseConfigSource {

    @Substitute
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        return List.of();
    }
}
