package io.cellhub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * deploy/kubernetes/kubernetes.yml is a copy of what this build's quarkus-kubernetes generated
 * (target/kubernetes/kubernetes.yml, written by the package phase before the integration tests run).
 * Compared object by object and field by field: the generator writes labels in no fixed order.
 */
class GeneratedManifestsIT {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void committedManifestsAreWhatTheBuildGenerates() throws IOException {
        Path generated = Path.of("target/kubernetes/kubernetes.yml");
        assertThat(generated).as("quarkus-kubernetes output").exists();
        assertThat(objects(Manifests.DEPLOY.resolve("kubernetes.yml")))
                .as("deploy/kubernetes/kubernetes.yml is stale: cp target/kubernetes/kubernetes.yml deploy/kubernetes/")
                .isEqualTo(objects(generated));
    }

    /** The file's objects by kind and name. */
    private static Map<String, JsonNode> objects(Path file) throws IOException {
        Map<String, JsonNode> objects = new TreeMap<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (documents.hasNext()) {
                JsonNode object = documents.next();
                if (object != null && !object.isEmpty()) {
                    objects.put(object.path("kind").asText() + "/" + object.path("metadata").path("name").asText(), object);
                }
            }
        }
        return objects;
    }
}
