package io.cellhub.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.cellhub.deploy.Manifests.Workload;
import io.cellhub.journal.JournalConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.smallrye.config.WithDefault;

/**
 * Parses every manifest in deploy/kubernetes into fabric8's typed model and checks what would break
 * at deploy time (or right after): unknown fields and kinds, references to missing objects, ports that
 * do not meet, probes on paths CellHub does not serve, environment names CellHub does not read,
 * inlined passwords, and images the docs do not build.
 */
class KubernetesManifestsTest {

    static final String CELLHUB = "cellhub";
    static final Path DEPLOY_README = Path.of("deploy/README.md");
    static final Path DOCKERFILE_JVM = Path.of("src/main/docker/Dockerfile.jvm");
    static final Path DOCKERFILE_NATIVE = Path.of("src/main/docker/Dockerfile.native-micro");
    private static final Pattern SECRET_LIKE = Pattern.compile(".*(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY).*");

    static Manifests manifests;
    static ConfigKeys configKeys;

    @BeforeAll
    static void load() {
        manifests = Manifests.load(Manifests.DEPLOY);
        configKeys = ConfigKeys.ofCellHub();
    }

    @Test
    void everyManifestParsesIntoKnownKindsWithoutUnknownFields() {
        assertThat(manifests.byFile()).as("manifest files in %s", Manifests.DEPLOY).isNotEmpty();
        assertThat(manifests.all()).as("objects").isNotEmpty();
        for (HasMetadata object : manifests.all()) {
            assertThat(object).as("%s/%s: a kind or apiVersion fabric8 does not know", object.getKind(), name(object))
                    .isNotInstanceOf(GenericKubernetesResource.class);
            List<String> unknown = new ArrayList<>();
            collectUnknownFields(object, object.getKind() + "/" + name(object), unknown);
            assertThat(unknown).as("fields the Kubernetes API does not have (misspelt or misplaced)").isEmpty();
        }
        Map<String, Long> duplicates = manifests.all().stream()
                .collect(Collectors.groupingBy(o -> o.getKind() + "/" + name(o), Collectors.counting()));
        duplicates.values().removeIf(n -> n == 1);
        assertThat(duplicates).as("objects defined twice").isEmpty();
    }

    @Test
    void kustomizationListsEveryManifestAndNothingElse() throws IOException {
        JsonNode kustomization = new ObjectMapper(new YAMLFactory())
                .readTree(Manifests.DEPLOY.resolve(Manifests.KUSTOMIZATION).toFile());
        assertThat(kustomization.path("kind").asText()).isEqualTo("Kustomization");
        Set<String> listed = new TreeSet<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));
        assertThat(listed).isEqualTo(manifests.byFile().keySet());
    }

    @Test
    void probesUseTheHealthPathsAndPortCellHubServes() {
        Container cellhub = manifests.workload(CELLHUB).container(CELLHUB);
        HealthPaths health = HealthPaths.fromApplicationProperties();
        int httpPort = httpPort(cellhub);

        assertThat(cellhub.getLivenessProbe()).as("liveness probe").isNotNull();
        assertThat(cellhub.getReadinessProbe()).as("readiness probe").isNotNull();
        assertThat(cellhub.getStartupProbe()).as("startup probe").isNotNull();
        assertThat(cellhub.getLivenessProbe().getHttpGet().getPath()).isEqualTo(health.liveness());
        assertThat(cellhub.getReadinessProbe().getHttpGet().getPath()).isEqualTo(health.readiness());
        assertThat(cellhub.getStartupProbe().getHttpGet().getPath()).isEqualTo(health.startup());
        for (Probe probe : List.of(cellhub.getLivenessProbe(), cellhub.getReadinessProbe(), cellhub.getStartupProbe())) {
            assertThat(resolvePort(cellhub, probe.getHttpGet().getPort())).as("probe %s port", probe.getHttpGet().getPath())
                    .contains(httpPort);
        }
        assertThat(cellhub.getLivenessProbe().getHttpGet().getPath())
                .as("liveness must not be the readiness check: a broker outage would restart-loop the pod")
                .isNotEqualTo(cellhub.getReadinessProbe().getHttpGet().getPath());
    }

    @Test
    void everyServiceSelectsAWorkloadAndTargetsOneOfItsContainerPorts() {
        assertThat(manifests.all(Service.class)).extracting(s -> s.getMetadata().getName())
                .contains(CELLHUB, "mosquitto", "postgres");
        for (Service service : manifests.all(Service.class)) {
            Map<String, String> selector = service.getSpec().getSelector();
            assertThat(selector).as("Service %s selector", name(service)).isNotEmpty();
            List<Workload> selected = manifests.workloads().stream()
                    .filter(w -> labels(w).entrySet().containsAll(selector.entrySet())).toList();
            assertThat(selected).as("workloads whose pods Service %s selects", name(service)).hasSize(1);
            Workload workload = selected.get(0);
            for (ServicePort port : service.getSpec().getPorts()) {
                IntOrString target = port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
                boolean served = workload.template().getSpec().getContainers().stream()
                        .anyMatch(c -> resolvePort(c, target).isPresent());
                assertThat(served).as("Service %s port %s targets %s, a port no container of %s declares", name(service),
                        port.getPort(), target, workload).isTrue();
            }
        }
    }

    @Test
    void workloadProbesAndSelectorsMeetTheirOwnPods() {
        for (Workload workload : manifests.workloads()) {
            for (Container container : workload.template().getSpec().getContainers()) {
                for (Probe probe : Stream.of(container.getLivenessProbe(), container.getReadinessProbe(),
                        container.getStartupProbe()).filter(Objects::nonNull).toList()) {
                    IntOrString port = probe.getHttpGet() != null ? probe.getHttpGet().getPort()
                            : probe.getTcpSocket() != null ? probe.getTcpSocket().getPort() : null;
                    if (port != null) {
                        assertThat(resolvePort(container, port)).as("%s container %s probe port %s", workload,
                                container.getName(), port).isPresent();
                    }
                }
            }
        }
        manifests.all(Deployment.class).forEach(d -> assertThat(
                d.getSpec().getTemplate().getMetadata().getLabels())
                .as("Deployment %s pod labels cover its selector", name(d))
                .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels()));
        manifests.all(StatefulSet.class).forEach(s -> {
            assertThat(s.getSpec().getTemplate().getMetadata().getLabels())
                    .as("StatefulSet %s pod labels cover its selector", name(s))
                    .containsAllEntriesOf(s.getSpec().getSelector().getMatchLabels());
            assertThat(manifests.find(Service.class, s.getSpec().getServiceName()))
                    .as("StatefulSet %s governing Service", name(s)).isPresent();
        });
    }

    @Test
    void cellHubReadsEveryEnvironmentVariableItsContainerIsGiven() {
        Map<String, String> unknown = new LinkedHashMap<>();
        environmentNames(manifests.workload(CELLHUB).container(CELLHUB)).forEach((env, source) -> {
            if (!configKeys.accepts(env)) {
                unknown.put(env, source);
            }
        });
        assertThat(unknown).as("environment variables that set no CellHub, Quarkus or SmallRye key (%d keys known)",
                configKeys.keys().size()).isEmpty();
    }

    @Test
    void aMisspeltEnvironmentNameIsNotTakenForAConfigKey() {
        assertThat(configKeys.accepts("CELLHUB_BROKER_EMBEDDED")).isTrue();
        assertThat(configKeys.accepts("QUARKUS_DATASOURCE_JDBC_URL")).isTrue();
        assertThat(configKeys.accepts("CELLHUB_MQTT_USERNAME")).isTrue();
        assertThat(configKeys.accepts("CELLHUB_RULES_AVERAGE_PRESSURE_INPUTS")).isTrue();
        assertThat(configKeys.accepts("CELLHUB_BROKER_EMBEDED")).isFalse();
        assertThat(configKeys.accepts("CELLHUB_DATADIR")).isFalse();
        assertThat(configKeys.accepts("CELLHUB_MQTT_HOTS")).isFalse();
        assertThat(configKeys.accepts("QUARKUS_DATASOURCE_PASWORD")).isFalse();
        assertThat(configKeys.accepts("QUARKUS_DATASOURCE_JDBC_URI")).isFalse();
    }

    @Test
    void passwordsComeFromSecretsAndNeverSitInAManifestValue() {
        for (Workload workload : manifests.workloads()) {
            for (Container container : containers(workload)) {
                for (EnvVar env : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
                    if (SECRET_LIKE.matcher(env.getName()).matches()) {
                        assertThat(env.getValue()).as("%s %s: %s inlined", workload, container.getName(), env.getName())
                                .isNull();
                        assertThat(env.getValueFrom()).as("%s %s: %s", workload, container.getName(), env.getName())
                                .isNotNull();
                        assertThat(env.getValueFrom().getSecretKeyRef())
                                .as("%s %s: %s must come from a Secret", workload, container.getName(), env.getName())
                                .isNotNull();
                    }
                }
            }
        }
        for (ConfigMap configMap : manifests.all(ConfigMap.class)) {
            assertThat(Optional.ofNullable(configMap.getData()).orElse(Map.of()).keySet())
                    .as("ConfigMap %s holds a password-like key in plain sight", name(configMap))
                    .noneMatch(key -> SECRET_LIKE.matcher(key.toUpperCase()).matches());
        }
    }

    @Test
    void everySecretConfigMapAndVolumeAWorkloadUsesExists() {
        for (Workload workload : manifests.workloads()) {
            PodSpec pod = workload.template().getSpec();
            List<String> volumeNames = Optional.ofNullable(pod.getVolumes()).orElse(List.of()).stream()
                    .map(Volume::getName).toList();
            assertThat(volumeNames).as("%s volume names", workload).doesNotHaveDuplicates();
            Set<String> claimTemplates = workload.kind().equals("StatefulSet")
                    ? manifests.named(StatefulSet.class, workload.name()).getSpec().getVolumeClaimTemplates().stream()
                            .map(PersistentVolumeClaim::getMetadata).map(m -> m.getName()).collect(Collectors.toSet())
                    : Set.of();
            for (Container container : containers(workload)) {
                for (VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
                    assertThat(volumeNames.contains(mount.getName()) || claimTemplates.contains(mount.getName()))
                            .as("%s %s mounts volume %s, which the pod does not define", workload, container.getName(),
                                    mount.getName())
                            .isTrue();
                }
                for (EnvVar env : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
                    if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                        SecretKeySelector ref = env.getValueFrom().getSecretKeyRef();
                        assertThat(secretKeys(ref.getName())).as("%s %s: Secret %s keys", workload, env.getName(), ref.getName())
                                .contains(ref.getKey());
                    }
                    if (env.getValueFrom() != null && env.getValueFrom().getConfigMapKeyRef() != null) {
                        String map = env.getValueFrom().getConfigMapKeyRef().getName();
                        assertThat(manifests.named(ConfigMap.class, map).getData())
                                .containsKey(env.getValueFrom().getConfigMapKeyRef().getKey());
                    }
                }
                for (EnvFromSource from : Optional.ofNullable(container.getEnvFrom()).orElse(List.of())) {
                    if (from.getConfigMapRef() != null) {
                        manifests.named(ConfigMap.class, from.getConfigMapRef().getName());
                    }
                    if (from.getSecretRef() != null) {
                        manifests.named(Secret.class, from.getSecretRef().getName());
                    }
                }
            }
            for (Volume volume : Optional.ofNullable(pod.getVolumes()).orElse(List.of())) {
                if (volume.getConfigMap() != null) {
                    manifests.named(ConfigMap.class, volume.getConfigMap().getName());
                }
                if (volume.getPersistentVolumeClaim() != null) {
                    manifests.named(PersistentVolumeClaim.class, volume.getPersistentVolumeClaim().getClaimName());
                }
            }
        }
    }

    @Test
    void cellHubConnectsToTheMosquittoAndPostgresServicesWithPostgresOwnCredentials() {
        Container cellhub = manifests.workload(CELLHUB).container(CELLHUB);
        Map<String, String> env = plainEnvironment(cellhub);
        assertThat(env).containsEntry("CELLHUB_BROKER_EMBEDDED", "false").containsEntry("CELLHUB_FLEET_ENABLED", "false");

        Service mosquitto = manifests.named(Service.class, env.get("CELLHUB_MQTT_HOST"));
        assertThat(mosquitto.getSpec().getPorts()).extracting(ServicePort::getPort)
                .contains(Integer.valueOf(env.get("CELLHUB_MQTT_PORT")));
        assertThat(manifests.workload("mosquitto").template().getMetadata().getLabels())
                .containsAllEntriesOf(mosquitto.getSpec().getSelector());

        URI jdbc = URI.create(env.get("QUARKUS_DATASOURCE_JDBC_URL").substring("jdbc:".length()));
        assertThat(jdbc.getScheme()).isEqualTo("postgresql");
        Service postgres = manifests.named(Service.class, jdbc.getHost());
        assertThat(postgres.getSpec().getPorts()).extracting(ServicePort::getPort).contains(jdbc.getPort());
        Workload database = manifests.workload("postgres");
        assertThat(database.template().getMetadata().getLabels()).containsAllEntriesOf(postgres.getSpec().getSelector());
        Container server = database.container("postgres");
        assertThat(plainEnvironment(server)).containsEntry("POSTGRES_DB", jdbc.getPath().substring(1));
        assertThat(secretRef(cellhub, "QUARKUS_DATASOURCE_USERNAME")).isEqualTo(secretRef(server, "POSTGRES_USER"));
        assertThat(secretRef(cellhub, "QUARKUS_DATASOURCE_PASSWORD")).isEqualTo(secretRef(server, "POSTGRES_PASSWORD"));
    }

    @Test
    void mosquittoIsSizedForCellHubAndKeepsItsStoreOnAVolume() throws Exception {
        Map<String, String> conf = mosquittoConf();
        Workload mosquitto = manifests.workload("mosquitto");
        Container broker = mosquitto.container("mosquitto");

        assertThat(broker.getPorts()).extracting(ContainerPort::getContainerPort)
                .contains(Integer.valueOf(conf.get("listener").split(" ")[0]));
        assertThat(conf).containsEntry("persistence", "true");
        String store = conf.get("persistence_location");
        VolumeMount mount = broker.getVolumeMounts().stream().filter(m -> store.startsWith(m.getMountPath())).findFirst()
                .orElseThrow(() -> new AssertionError("persistence_location " + store + " is on no volume"));
        Volume volume = mosquitto.template().getSpec().getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
                .findFirst().orElseThrow();
        assertThat(volume.getPersistentVolumeClaim()).as("Mosquitto's store volume").isNotNull();

        int batchSize = Integer.parseInt(JournalConfig.class.getMethod("batchSize").getAnnotation(WithDefault.class).value());
        assertThat(Integer.parseInt(conf.get("max_inflight_messages")))
                .as("in-flight window against cellhub.journal.batch-size: CellHub acks a batch after its commit")
                .isGreaterThanOrEqualTo(batchSize);
        assertThat(Integer.parseInt(conf.get("max_queued_messages"))).isGreaterThanOrEqualTo(10 * batchSize);
        int maxMessageSize = Integer.parseInt(ConfigKeys.applicationProperties().getProperty("cellhub.broker.max-message-size"));
        assertThat(Integer.parseInt(conf.get("max_packet_size")))
                .as("packets over cellhub.broker.max-message-size would be refused by CellHub's client")
                .isLessThanOrEqualTo(maxMessageSize);
    }

    @Test
    void everyContainerRunsAsNonRootWithoutPrivilegeEscalationOnAReadOnlyRoot() {
        for (Workload workload : manifests.workloads()) {
            PodSecurityContext pod = workload.template().getSpec().getSecurityContext();
            for (Container container : containers(workload)) {
                SecurityContext own = container.getSecurityContext();
                assertThat(own).as("%s %s securityContext", workload, container.getName()).isNotNull();
                boolean nonRoot = Boolean.TRUE.equals(own.getRunAsNonRoot())
                        || pod != null && Boolean.TRUE.equals(pod.getRunAsNonRoot());
                assertThat(nonRoot).as("%s %s runAsNonRoot", workload, container.getName()).isTrue();
                assertThat(own.getAllowPrivilegeEscalation()).as("%s %s allowPrivilegeEscalation", workload,
                        container.getName()).isFalse();
                assertThat(own.getReadOnlyRootFilesystem()).as("%s %s readOnlyRootFilesystem", workload,
                        container.getName()).isTrue();
                assertThat(container.getResources().getRequests()).as("%s %s requests", workload, container.getName())
                        .containsKeys("cpu", "memory");
                assertThat(container.getResources().getLimits()).as("%s %s limits", workload, container.getName())
                        .containsKey("memory");
            }
        }
    }

    @Test
    void cellHubWritesOnlyToItsVolumesAndIsScrapedOnItsMetricsPath() {
        Workload workload = manifests.workload(CELLHUB);
        Container cellhub = workload.container(CELLHUB);
        List<String> mounted = cellhub.getVolumeMounts().stream().map(VolumeMount::getMountPath).toList();
        assertThat(mounted).as("the read-only root leaves CellHub /tmp and its data directory").contains("/tmp");
        assertThat(mounted).contains(plainEnvironment(cellhub).get("CELLHUB_DATA_DIR"));

        Map<String, String> annotations = workload.template().getMetadata().getAnnotations();
        assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/path", HealthPaths.fromApplicationProperties().metrics());
        assertThat(Integer.valueOf(annotations.get("prometheus.io/port"))).isEqualTo(httpPort(cellhub));
        assertThat(manifests.named(Deployment.class, CELLHUB).getSpec().getReplicas())
                .as("one CellHub per broker: the ingest session's client id is fixed").isEqualTo(1);
    }

    @Test
    void cellHubRunsTheImageTheDocsBuild() throws IOException {
        String image = manifests.workload(CELLHUB).container(CELLHUB).getImage();
        assertThat(dockerBuildTags(Files.readString(DOCKERFILE_JVM), "Dockerfile.jvm")).containsOnly(image);
        assertThat(dockerBuildTags(Files.readString(DOCKERFILE_NATIVE), "Dockerfile.native-micro"))
                .containsOnly(image + "-native");
        String readme = Files.readString(DEPLOY_README);
        assertThat(dockerBuildTags(readme, "Dockerfile.jvm")).as("deploy/README.md builds the JVM image")
                .containsOnly(image);
        String repository = image.substring(0, image.lastIndexOf(':'));
        Matcher named = Pattern.compile(Pattern.quote(repository) + ":[A-Za-z0-9._-]+").matcher(readme);
        Set<String> mentioned = new TreeSet<>();
        while (named.find()) {
            mentioned.add(named.group());
        }
        assertThat(mentioned).as("images deploy/README.md names").isNotEmpty().isSubsetOf(image, image + "-native");
    }

    /** Tags of the {@code docker build} commands that use this Dockerfile. */
    static Set<String> dockerBuildTags(String text, String dockerfile) {
        Set<String> tags = new TreeSet<>();
        Matcher build = Pattern.compile("docker build[^\\n]*?-f\\s+\\S*" + Pattern.quote(dockerfile) + "\\s+-t\\s+(\\S+)")
                .matcher(text);
        while (build.find()) {
            tags.add(build.group(1));
        }
        return tags;
    }

    /** Every name the container's environment gets, with where it comes from. */
    private static Map<String, String> environmentNames(Container container) {
        Map<String, String> names = new LinkedHashMap<>();
        Optional.ofNullable(container.getEnv()).orElse(List.of()).forEach(e -> names.put(e.getName(), "env"));
        for (EnvFromSource from : Optional.ofNullable(container.getEnvFrom()).orElse(List.of())) {
            String prefix = Optional.ofNullable(from.getPrefix()).orElse("");
            if (from.getConfigMapRef() != null) {
                String map = from.getConfigMapRef().getName();
                manifests.named(ConfigMap.class, map).getData().keySet().forEach(k -> names.put(prefix + k, "ConfigMap " + map));
            }
            if (from.getSecretRef() != null) {
                String secret = from.getSecretRef().getName();
                secretKeys(secret).forEach(k -> names.put(prefix + k, "Secret " + secret));
            }
        }
        return names;
    }

    /** The container's plain values: its own {@code value}s and the ConfigMaps it takes whole. */
    private static Map<String, String> plainEnvironment(Container container) {
        Map<String, String> values = new HashMap<>();
        for (EnvFromSource from : Optional.ofNullable(container.getEnvFrom()).orElse(List.of())) {
            if (from.getConfigMapRef() != null) {
                String prefix = Optional.ofNullable(from.getPrefix()).orElse("");
                manifests.named(ConfigMap.class, from.getConfigMapRef().getName()).getData()
                        .forEach((k, v) -> values.put(prefix + k, v));
            }
        }
        Optional.ofNullable(container.getEnv()).orElse(List.of()).stream().filter(e -> e.getValue() != null)
                .forEach(e -> values.put(e.getName(), e.getValue()));
        return values;
    }

    private static String secretRef(Container container, String env) {
        SecretKeySelector ref = container.getEnv().stream().filter(e -> e.getName().equals(env)).findFirst()
                .map(e -> e.getValueFrom() == null ? null : e.getValueFrom().getSecretKeyRef())
                .orElseThrow(() -> new AssertionError(container.getName() + " has no secret reference for " + env));
        return ref.getName() + "/" + ref.getKey();
    }

    private static Set<String> secretKeys(String name) {
        Secret secret = manifests.named(Secret.class, name);
        Set<String> keys = new TreeSet<>();
        Optional.ofNullable(secret.getData()).ifPresent(d -> keys.addAll(d.keySet()));
        Optional.ofNullable(secret.getStringData()).ifPresent(d -> keys.addAll(d.keySet()));
        return keys;
    }

    private static Map<String, String> mosquittoConf() {
        String conf = manifests.named(ConfigMap.class, "mosquitto-config").getData().get("mosquitto.conf");
        assertThat(conf).as("mosquitto.conf in ConfigMap mosquitto-config").isNotNull();
        Map<String, String> options = new HashMap<>();
        conf.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(l -> {
            String[] parts = l.split("\\s+", 2);
            options.put(parts[0], parts.length > 1 ? parts[1] : "");
        });
        return options;
    }

    private static int httpPort(Container container) {
        return container.getPorts().stream().filter(p -> "http".equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst().orElseThrow(() -> new AssertionError(container.getName() + " declares no port named http"));
    }

    /** The container port a probe or Service port means, by number or by name. */
    private static Optional<Integer> resolvePort(Container container, IntOrString port) {
        List<ContainerPort> ports = Optional.ofNullable(container.getPorts()).orElse(List.of());
        if (port.getIntVal() != null) {
            return ports.stream().map(ContainerPort::getContainerPort).filter(port.getIntVal()::equals).findFirst();
        }
        return ports.stream().filter(p -> port.getStrVal().equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst();
    }

    private static List<Container> containers(Workload workload) {
        List<Container> all = new ArrayList<>(workload.template().getSpec().getContainers());
        Optional.ofNullable(workload.template().getSpec().getInitContainers()).ifPresent(all::addAll);
        return all;
    }

    private static Map<String, String> labels(Workload workload) {
        return Optional.ofNullable(workload.template().getMetadata().getLabels()).orElse(Map.of());
    }

    private static String name(HasMetadata object) {
        return object.getMetadata() == null ? "<no metadata>" : object.getMetadata().getName();
    }

    /**
     * fabric8's model keeps any field it does not know in {@code additionalProperties}: walking the
     * parsed objects finds every misspelt or misplaced field, which the API server would reject or drop.
     */
    private static void collectUnknownFields(Object value, String path, List<String> unknown) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?>) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknownFields(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectUnknownFields(v, path + "." + k, unknown));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getDeclaringClass().getName().startsWith("io.fabric8.")
                    || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))) {
                continue;
            }
            Object field;
            try {
                field = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
                continue;
            }
            collectUnknownFields(field, path + "." + getter.getName().replaceFirst("^(get|is)", ""), unknown);
        }
    }

    /** Where SmallRye Health and Micrometer answer, from application.properties and Quarkus's defaults. */
    record HealthPaths(String liveness, String readiness, String startup, String metrics) {

        static HealthPaths fromApplicationProperties() {
            Properties properties = ConfigKeys.applicationProperties();
            String root = "/" + trim(properties.getProperty("quarkus.http.non-application-root-path", "q"));
            String health = root + "/" + trim(properties.getProperty("quarkus.smallrye-health.root-path", "health"));
            return new HealthPaths(health + "/" + trim(properties.getProperty("quarkus.smallrye-health.liveness-path", "live")),
                    health + "/" + trim(properties.getProperty("quarkus.smallrye-health.readiness-path", "ready")),
                    health + "/" + trim(properties.getProperty("quarkus.smallrye-health.startup-path", "started")),
                    root + "/" + trim(properties.getProperty("quarkus.micrometer.export.prometheus.path", "metrics")));
        }

        private static String trim(String path) {
            return path.replaceAll("^/+|/+$", "");
        }
    }
}
