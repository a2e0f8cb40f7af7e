package io.cellhub.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cellhub.deploy.KubePlay.PlayedPod;
import io.cellhub.support.ContainerImages;
import io.cellhub.support.MqttTestClient;
import io.cellhub.support.Podman;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;

/**
 * deploy/kubernetes played with {@code podman kube play}: CellHub, Mosquitto and PostgreSQL from
 * the images scripts/image.sh builds (Mosquitto and PostgreSQL as stand-ins from Debian's packages
 * where the real images cannot be pulled), translated as {@link KubePlay} says. Mosquitto and
 * PostgreSQL are played first and CellHub once their readiness probes pass; every probe is run as the
 * kubelet runs it ({@link KubeletProbes}).
 */
class KubePlayIT {

    private static final Path DIR = Path.of("target/kube-play");
    private static final Path BACKING = DIR.resolve("backing-services.yml");
    private static final Path CELLHUB_YML = DIR.resolve("cellhub.yml");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern GENERATED_OPERATOR = Pattern.compile("Log in as 'operator' with password (\\S+) ");

    private static Manifests manifests;
    private static KubePlay play;
    private static PlayedPod cellhub;
    private static String authorization;
    private static long readyAt;
    /** Set once no pod of the same names was found: from then on, the clean-up may remove them. */
    private static boolean played;

    @BeforeAll
    static void playTheManifests() throws IOException {
        ContainerImages.build();
        manifests = Manifests.load(Manifests.DEPLOY);
        play = KubePlay.translate(manifests);
        cellhub = play.pod(KubernetesManifestsTest.CELLHUB);
        List<PlayedPod> backing = play.pods().stream().filter(p -> p != cellhub).toList();
        for (PlayedPod pod : play.pods()) {
            assertThat(Podman.run("pod", "exists", pod.name()).ok())
                    .as("a pod named %s exists already (another play of the manifests?): podman kube down %s", pod.name(),
                            DIR.resolve("*.yml"))
                    .isFalse();
        }
        played = true;
        // What a run that died before its clean-up left: the claims' volumes and the secrets.
        play.namedVolumes().forEach(volume -> Podman.run("volume", "rm", volume));
        Files.createDirectories(DIR);
        for (Map.Entry<String, String> secret : play.podmanSecrets().entrySet()) {
            Path file = Files.createTempFile(DIR, "secret", ".json");
            Files.writeString(file, secret.getValue());
            Podman.run("secret", "rm", secret.getKey());
            Podman.ok("secret", "create", secret.getKey(), file.toString());
            Files.delete(file);
        }
        Files.writeString(BACKING, play.yaml(backing));
        Files.writeString(CELLHUB_YML, play.yaml(List.of(cellhub)));

        long started = System.nanoTime();
        Podman.ok("kube", "play", BACKING.toString());
        for (PlayedPod pod : backing) {
            for (Container container : pod.pod().getSpec().getContainers()) {
                Optional.ofNullable(container.getReadinessProbe()).ifPresent(probe -> KubeletProbes.awaitPass(pod, container,
                        probe, "readiness", Duration.ofSeconds(90)));
            }
        }
        System.out.printf("Mosquitto and PostgreSQL ready %d s after kube play%n", seconds(started));

        started = System.nanoTime();
        Podman.ok("kube", "play", CELLHUB_YML.toString());
        Container container = cellhub.spec(KubernetesManifestsTest.CELLHUB);
        Probe startup = container.getStartupProbe();
        KubeletProbes.awaitPass(cellhub, container, startup, "startup",
                Duration.ofSeconds(startup.getInitialDelaySeconds() + (long) startup.getPeriodSeconds() * startup.getFailureThreshold()));
        KubeletProbes.awaitPass(cellhub, container, container.getReadinessProbe(), "readiness", Duration.ofSeconds(60));
        readyAt = System.nanoTime();
        System.out.printf("CellHub ready %d s after kube play%n", seconds(started));

        Matcher password = GENERATED_OPERATOR.matcher(Podman.logs(cellhub.container(KubernetesManifestsTest.CELLHUB)));
        assertThat(password.find()).as("the operator password CellHub logs at its first start (deploy/README.md)").isTrue();
        authorization = "Basic " + Base64.getEncoder()
                .encodeToString(("operator:" + password.group(1)).getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void tearDown() {
        if (played) {
            for (Path file : List.of(CELLHUB_YML, BACKING)) {
                if (Files.exists(file)) {
                    Podman.run("kube", "down", file.toString());
                }
            }
            play.namedVolumes().forEach(volume -> Podman.run("volume", "rm", volume));
            play.podmanSecrets().keySet().forEach(secret -> Podman.run("secret", "rm", secret));
        }
        // The stand-ins carry the names of real images: leave none behind to be taken for them.
        for (String image : ContainerImages.built().map(ContainerImages.Built::standIns).orElse(List.of())) {
            if (!Podman.run("image", "inspect", "--format", "{{index .Labels \"io.cellhub.stand-in\"}}", image).stdout()
                    .isBlank()) {
                Podman.run("rmi", image);
            }
        }
    }

    @Test
    void everyProbeOfEveryContainerPassesRunAsTheKubeletRunsIt() {
        int probes = 0;
        for (PlayedPod pod : play.pods()) {
            for (Container container : pod.pod().getSpec().getContainers()) {
                Map<String, Probe> declared = new LinkedHashMap<>();
                Optional.ofNullable(container.getStartupProbe()).ifPresent(p -> declared.put("startup", p));
                Optional.ofNullable(container.getReadinessProbe()).ifPresent(p -> declared.put("readiness", p));
                Optional.ofNullable(container.getLivenessProbe()).ifPresent(p -> declared.put("liveness", p));
                for (Map.Entry<String, Probe> probe : declared.entrySet()) {
                    assertThat(KubeletProbes.run(pod, container, probe.getValue()))
                            .as("%s probe of %s", probe.getKey(), pod.container(container.getName())).isEmpty();
                    probes++;
                }
            }
        }
        assertThat(probes).as("probes declared: CellHub's three, two each for Mosquitto and PostgreSQL").isEqualTo(7);
    }

    @Test
    void aMessagePublishedToTheMosquittoPodReachesCellHubsApiAndJournal() throws Exception {
        PlayedPod mosquitto = play.pod("mosquitto");
        try (MqttTestClient device = MqttTestClient.connect("127.0.0.1", mosquitto.hostPort(1883), "kube-play-device", true)) {
            device.publish("kubeplay/temperature1", "21.5", 1, true);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> api("/api/topics?filter=kubeplay/%23").size() == 1);
        JsonNode topic = api("/api/topics?filter=kubeplay/%23").get(0);
        assertThat(topic.get("topic").asText()).isEqualTo("kubeplay/temperature1");
        assertThat(topic.get("number").asDouble()).isEqualTo(21.5);
        await().atMost(Duration.ofSeconds(20)).until(() -> api("/api/journal?topic=kubeplay/temperature1").size() == 1);
        assertThat(api("/api/journal?topic=kubeplay/temperature1").get(0).get("payload").asText())
                .as("journaled in the PostgreSQL pod").isEqualTo("21.5");
    }

    @Test
    void cellHubRunsOnTheBrokerAndDatabaseItsConfigMapNames() throws Exception {
        Map<String, String> config = manifests.named(ConfigMap.class, "cellhub-config").getData();
        JsonNode status = api("/api/status");
        assertThat(status.get("embeddedBroker").asBoolean()).isEqualTo(Boolean.parseBoolean(config.get("CELLHUB_BROKER_EMBEDDED")))
                .isFalse();
        assertThat(status.get("broker").asText()).isEqualTo("mqtt://" + config.get("CELLHUB_MQTT_HOST")
                + ":" + config.get("CELLHUB_MQTT_PORT"));
        assertThat(status.get("database").asText()).isEqualTo(config.get("QUARKUS_DATASOURCE_JDBC_URL"));
        assertThat(status.get("starts").asLong()).as("CellHub's start, recorded in the PostgreSQL pod").isEqualTo(1);

        // The simulated fleet publishes every second once on; CELLHUB_FLEET_ENABLED=false keeps it off.
        assertThat(config.get("CELLHUB_FLEET_ENABLED")).isEqualTo("false");
        await().atMost(Duration.ofSeconds(5)).until(() -> seconds(readyAt) >= 3);
        List<String> topics = new ArrayList<>();
        api("/api/topics?filter=%23").forEach(t -> topics.add(t.get("topic").asText()));
        assertThat(topics).as("topics of the simulated fleet").noneMatch(t -> t.startsWith("robotcell"));

        // Mosquitto's ConfigMap is its configuration: mounted where the image reads it, and in effect,
        // since its "listener 1883" is what lets CellHub's pod connect (Mosquitto 2 listens only on
        // loopback without a listener; the stand-in's own configuration does the same).
        String mosquittoConf = manifests.named(ConfigMap.class, "mosquitto-config").getData().get("mosquitto.conf");
        assertThat(Podman.ok("exec", play.pod("mosquitto").container("mosquitto"), "cat", "/mosquitto/config/mosquitto.conf"))
                .isEqualTo(mosquittoConf.strip());
        assertThat(Podman.logs(cellhub.container(KubernetesManifestsTest.CELLHUB)))
                .contains("Channel mqtt-in connected to mqtt://mosquitto:1883", "subscribed to # at QoS 1");
    }

    @Test
    void postgresAndCellHubTakeTheSecretsCredentials() {
        String user = play.secretValue("cellhub-db", "username");
        String password = play.secretValue("cellhub-db", "password");
        assertThat(Podman.ok("inspect", "--format", "{{json .Config.Env}}", cellhub.container(KubernetesManifestsTest.CELLHUB)))
                .contains("\"QUARKUS_DATASOURCE_USERNAME=" + user + "\"", "\"QUARKUS_DATASOURCE_PASSWORD=" + password + "\"");

        String postgres = play.pod("postgres").container("postgres");
        assertThat(psql(postgres, user, password).stdout().strip()).as("a password login over TCP with the Secret's values")
                .isEqualTo(user);
        Podman.Result wrong = psql(postgres, user, password + "-not");
        assertThat(wrong.ok()).isFalse();
        assertThat(wrong.stderr()).contains("password authentication failed");
    }

    @Test
    void containersRunAsTheirSecurityContextsSay() {
        for (PlayedPod pod : play.pods()) {
            PodSecurityContext podContext = Optional.ofNullable(pod.pod().getSpec().getSecurityContext())
                    .orElseGet(PodSecurityContext::new);
            for (Container container : pod.pod().getSpec().getContainers()) {
                String name = pod.container(container.getName());
                SecurityContext context = container.getSecurityContext();
                String uid = Podman.ok("exec", name, "id", "-u");
                if (Boolean.TRUE.equals(podContext.getRunAsNonRoot())) {
                    assertThat(uid).as("%s runs as non-root", name).isNotEqualTo("0");
                }
                Optional.ofNullable(podContext.getRunAsUser()).ifPresent(u -> assertThat(uid).as(name).isEqualTo(u.toString()));
                assertThat(context.getReadOnlyRootFilesystem()).as(name).isTrue();
                Podman.Result write = Podman.run("exec", name, "sh", "-c", "echo x > /kube-play-write-test");
                assertThat(write.ok()).as("%s writes to its root file system", name).isFalse();
                assertThat(write.stderr()).contains("Read-only file system");
                assertThat(context.getCapabilities().getDrop()).containsExactly("ALL");
                assertThat(Podman.ok("inspect", "--format", "{{json .EffectiveCaps}}", name)).as("%s capabilities", name)
                        .isIn("[]", "null");
                String status = Podman.ok("exec", name, "cat", "/proc/1/status");
                assertThat(podContext.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
                assertThat(status).as("%s: a seccomp filter (the runtime's default profile)", name).containsPattern("Seccomp:\\s+2");
                assertThat(context.getAllowPrivilegeEscalation()).isFalse();
                assertThat(status).as("%s: no privilege escalation", name).containsPattern("NoNewPrivs:\\s+1");
            }
        }
    }

    private static Podman.Result psql(String container, String user, String password) {
        return Podman.run("exec", "--env", "PGPASSWORD=" + password, container, "psql", "--host=127.0.0.1",
                "--username=" + user, "--dbname=cellhub", "--tuples-only", "--no-align", "--command=SELECT current_user");
    }

    private static JsonNode api(String path) throws IOException {
        URI uri = URI.create("http://127.0.0.1:" + cellhub.hostPort(8080) + path);
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", authorization)
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
            return JSON.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static long seconds(long since) {
        return Duration.ofNanos(System.nanoTime() - since).toSeconds();
    }
}
