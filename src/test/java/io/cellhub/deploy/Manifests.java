package io.cellhub.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** Every object of the manifests in one directory, parsed into fabric8's typed Kubernetes model. */
record Manifests(Path directory, Map<String, List<HasMetadata>> byFile) {

    static final Path DEPLOY = Path.of("deploy/kubernetes");
    static final String KUSTOMIZATION = "kustomization.yaml";

    /** A Deployment or StatefulSet: what runs containers. */
    record Workload(String kind, String name, PodTemplateSpec template) {

        Container container(String containerName) {
            return template.getSpec().getContainers().stream().filter(c -> c.getName().equals(containerName)).findFirst()
                    .orElseThrow(() -> new AssertionError(this + " has no container " + containerName));
        }

        @Override
        public String toString() {
            return kind + "/" + name;
        }
    }

    /** Parses every .yml and .yaml file of the directory but the kustomization. */
    static Manifests load(Path directory) {
        KubernetesSerialization serialization = new KubernetesSerialization();
        Map<String, List<HasMetadata>> byFile = new TreeMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(Manifests::isManifest).toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    Object parsed = serialization.unmarshal(in);
                    List<HasMetadata> objects = new ArrayList<>();
                    if (parsed instanceof List<?> list) {
                        list.forEach(o -> objects.add((HasMetadata) o));
                    } else if (parsed != null) {
                        objects.add((HasMetadata) parsed);
                    }
                    byFile.put(file.getFileName().toString(), objects);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Manifests(directory, byFile);
    }

    private static boolean isManifest(Path file) {
        String name = file.getFileName().toString();
        return (name.endsWith(".yml") || name.endsWith(".yaml")) && !name.equals(KUSTOMIZATION);
    }

    List<HasMetadata> all() {
        return byFile.values().stream().flatMap(List::stream).toList();
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return all().stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    <T extends HasMetadata> T named(Class<T> type, String name) {
        return find(type, name).orElseThrow(
                () -> new AssertionError("No " + type.getSimpleName() + " named '" + name + "' in " + directory));
    }

    List<Workload> workloads() {
        List<Workload> workloads = new ArrayList<>();
        all(Deployment.class).forEach(d -> workloads.add(new Workload("Deployment", d.getMetadata().getName(),
                d.getSpec().getTemplate())));
        all(StatefulSet.class).forEach(s -> workloads.add(new Workload("StatefulSet", s.getMetadata().getName(),
                s.getSpec().getTemplate())));
        return workloads;
    }

    Workload workload(String name) {
        return workloads().stream().filter(w -> w.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("No Deployment or StatefulSet named '" + name + "' in " + directory));
    }
}
