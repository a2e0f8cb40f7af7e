package io.cellhub.deploy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.quarkus.test.junit.QuarkusTest;

/** The paths the committed Deployment probes and scrapes answer on a running CellHub. */
@QuarkusTest
class ProbePathsTest {

    @Test
    void everyProbePathOfTheDeploymentAnswersUp() {
        Container cellhub = Manifests.load(Manifests.DEPLOY).workload(KubernetesManifestsTest.CELLHUB)
                .container(KubernetesManifestsTest.CELLHUB);
        for (Probe probe : List.of(cellhub.getStartupProbe(), cellhub.getLivenessProbe(), cellhub.getReadinessProbe())) {
            String path = probe.getHttpGet().getPath();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get(path)
                    .then().statusCode(200)
                    .body("status", equalTo("UP")));
        }
    }

    @Test
    void thePrometheusScrapePathServesCellHubMetrics() {
        String path = Manifests.load(Manifests.DEPLOY).workload(KubernetesManifestsTest.CELLHUB).template().getMetadata()
                .getAnnotations().get("prometheus.io/path");
        given().get(path)
                .then().statusCode(200)
                .body(containsString("cellhub_messages_received_total"));
    }
}
