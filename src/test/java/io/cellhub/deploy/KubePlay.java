package io.cellhub.deploy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cellhub.support.FreePort;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * deploy/kubernetes, translated into what Debian bookworm's {@code podman kube play} (4.3) runs, with
 * every change a cluster would not need spelled out here (deploy/README.md lists them):
 * <ul>
 * <li>Each Deployment or StatefulSet becomes one Pod (all have one replica) with the workload's pod
 * template, named after the Service that selects it: podman's DNS on the kube network resolves pod
 * names, so "mosquitto" and "postgres" reach the pods as the Services would. Services themselves are
 * not played.</li>
 * <li>A StatefulSet's volumeClaimTemplates become claims named as a cluster names them
 * ({@code data-postgres-0}); podman makes a named volume of every claim.</li>
 * <li>emptyDir volumes get the pod's name in front: podman 4.3 makes them named volumes, so two pods'
 * "tmp" would otherwise be one shared volume.</li>
 * <li>Every container port is published on a free port of 127.0.0.1 (as {@code kubectl port-forward}
 * would reach it): podman 4.3 otherwise publishes each one on the same port of every address of the
 * host.</li>
 * <li>imagePullPolicy Never: no registry is reached; the images are the local ones.</li>
 * <li>Secrets are not played but created as podman secrets ({@link #podmanSecrets()}): podman 4.3
 * stores a played Secret as YAML and then fails to read it for secretKeyRef (podman issue 16269).</li>
 * </ul>
 */
final class KubePlay {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** One pod podman runs; its containers are named {@code <pod>-<container>}. */
    record PlayedPod(String name, Pod pod, Map<Integer, Integer> hostPorts) {

        String container(String containerName) {
            return name + "-" + containerName;
        }

        Container spec(String containerName) {
            return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals(containerName)).findFirst()
                    .orElseThrow(() -> new AssertionError("pod " + name + " has no container " + containerName));
        }

        int hostPort(int containerPort) {
            Integer port = hostPorts.get(containerPort);
            if (port == null) {
                throw new AssertionError("pod " + name + " declares no container port " + containerPort);
            }
            return port;
        }
    }

    private final Manifests manifests;
    private final Map<String, PlayedPod> pods = new LinkedHashMap<>();
    private final List<PersistentVolumeClaim> claimsFromTemplates = new ArrayList<>();

    private KubePlay(Manifests manifests) {
        this.manifests = manifests;
    }

    static KubePlay translate(Manifests manifests) {
        KubePlay play = new KubePlay(manifests);
        manifests.workloads().forEach(play::add);
        return play;
    }

    private void add(Manifests.Workload workload) {
        Map<String, String> labels = workload.template().getMetadata().getLabels();
        String name = manifests.all(Service.class).stream()
                .filter(s -> labels.entrySet().containsAll(s.getSpec().getSelector().entrySet()))
                .map(s -> s.getMetadata().getName()).findFirst().orElse(workload.name());
        PodSpec spec = SERIALIZATION.clone(workload.template().getSpec());

        Map<String, String> renamed = new HashMap<>();
        for (Volume volume : spec.getVolumes()) {
            if (volume.getEmptyDir() != null) {
                renamed.put(volume.getName(), name + "-" + volume.getName());
                volume.setName(name + "-" + volume.getName());
            }
        }
        if (workload.kind().equals("StatefulSet")) {
            for (PersistentVolumeClaim template : manifests.named(StatefulSet.class, workload.name()).getSpec()
                    .getVolumeClaimTemplates()) {
                PersistentVolumeClaim claim = SERIALIZATION.clone(template);
                claim.setApiVersion("v1");
                claim.setKind("PersistentVolumeClaim");
                claim.getMetadata().setName(template.getMetadata().getName() + "-" + workload.name() + "-0");
                claimsFromTemplates.add(claim);
                spec.getVolumes().add(new VolumeBuilder().withName(template.getMetadata().getName())
                        .withNewPersistentVolumeClaim().withClaimName(claim.getMetadata().getName()).endPersistentVolumeClaim()
                        .build());
            }
        }
        Map<Integer, Integer> hostPorts = new LinkedHashMap<>();
        for (Container container : spec.getContainers()) {
            container.setImagePullPolicy("Never");
            for (VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
                mount.setName(renamed.getOrDefault(mount.getName(), mount.getName()));
            }
            for (ContainerPort port : Optional.ofNullable(container.getPorts()).orElse(List.of())) {
                port.setHostIP("127.0.0.1");
                port.setHostPort(FreePort.find());
                hostPorts.put(port.getContainerPort(), port.getHostPort());
            }
        }
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().withSpec(spec).build();
        pods.put(name, new PlayedPod(name, pod, hostPorts));
    }

    PlayedPod pod(String name) {
        PlayedPod pod = pods.get(name);
        if (pod == null) {
            throw new AssertionError("no pod " + name + " among " + pods.keySet());
        }
        return pod;
    }

    List<PlayedPod> pods() {
        return List.copyOf(pods.values());
    }

    /** The YAML for {@code podman kube play}: these pods with the ConfigMaps and claims they use. */
    String yaml(List<PlayedPod> which) {
        List<HasMetadata> objects = new ArrayList<>();
        Set<String> configMaps = new LinkedHashSet<>();
        Set<String> claims = new LinkedHashSet<>();
        for (PlayedPod pod : which) {
            for (Volume volume : pod.pod().getSpec().getVolumes()) {
                if (volume.getConfigMap() != null) {
                    configMaps.add(volume.getConfigMap().getName());
                }
                if (volume.getPersistentVolumeClaim() != null) {
                    claims.add(volume.getPersistentVolumeClaim().getClaimName());
                }
            }
            for (Container container : pod.pod().getSpec().getContainers()) {
                for (EnvFromSource from : Optional.ofNullable(container.getEnvFrom()).orElse(List.of())) {
                    if (from.getConfigMapRef() != null) {
                        configMaps.add(from.getConfigMapRef().getName());
                    }
                }
            }
        }
        configMaps.forEach(name -> objects.add(manifests.named(ConfigMap.class, name)));
        for (String claim : claims) {
            objects.add(manifests.find(PersistentVolumeClaim.class, claim).orElseGet(() -> claimsFromTemplates.stream()
                    .filter(c -> c.getMetadata().getName().equals(claim)).findFirst()
                    .orElseThrow(() -> new AssertionError("no claim " + claim))));
        }
        which.forEach(pod -> objects.add(pod.pod()));
        return objects.stream().map(SERIALIZATION::asYaml).collect(Collectors.joining());
    }

    /** Volume names podman creates for the claims and ConfigMap volumes; they outlive {@code kube down}. */
    Set<String> namedVolumes() {
        Set<String> names = new LinkedHashSet<>();
        for (PlayedPod pod : pods.values()) {
            for (Volume volume : pod.pod().getSpec().getVolumes()) {
                if (volume.getPersistentVolumeClaim() != null) {
                    names.add(volume.getPersistentVolumeClaim().getClaimName());
                }
                if (volume.getConfigMap() != null) {
                    names.add(volume.getConfigMap().getName());
                }
            }
        }
        return names;
    }

    /** Each Secret as the content of a podman secret: a JSON object of its keys and base64 values. */
    Map<String, String> podmanSecrets() {
        Map<String, String> secrets = new LinkedHashMap<>();
        for (Secret secret : manifests.all(Secret.class)) {
            Map<String, String> values = new LinkedHashMap<>(Optional.ofNullable(secret.getData()).orElse(Map.of()));
            Optional.ofNullable(secret.getStringData()).orElse(Map.of()).forEach((key, value) -> values.put(key,
                    Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
            try {
                secrets.put(secret.getMetadata().getName(), new ObjectMapper().writeValueAsString(values));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return secrets;
    }

    /** A Secret's value, decoded. */
    String secretValue(String secret, String key) {
        Secret object = manifests.named(Secret.class, secret);
        if (object.getStringData() != null && object.getStringData().containsKey(key)) {
            return object.getStringData().get(key);
        }
        return new String(Base64.getDecoder().decode(object.getData().get(key)), StandardCharsets.UTF_8);
    }
}
