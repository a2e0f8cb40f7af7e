package io.cellhub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/kubernetes.yml is the copy of what this build's quarkus-kubernetes generated
 * (target/kubernetes/kubernetes.yml, written by the package phase before the integration tests run).
 */
class GeneratedManifestsIT {

    @Test
    void committedManifestsAreWhatTheBuildGenerates() throws IOException {
        Path generated = Path.of("target/kubernetes/kubernetes.yml");
        assertThat(generated).as("quarkus-kubernetes output").exists();
        assertThat(Files.readString(Manifests.DEPLOY.resolve("kubernetes.yml")))
                .as("deploy/kubernetes/kubernetes.yml is stale: cp target/kubernetes/kubernetes.yml deploy/kubernetes/")
                .isEqualTo(Files.readString(generated));
    }
}
