package io.cellhub.deploy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.cellhub.support.Podman;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;

/**
 * A container's probes run the way the kubelet runs them, since {@code podman kube play} 4.3 ignores
 * readiness and startup probes and makes a liveness probe a healthcheck that only systemd's timers
 * run: httpGet as a GET from outside the container (here through the pod's published port),
 * tcpSocket as a connect, exec as the command inside the container. Success as in Kubernetes: HTTP
 * 200 to 399, a connection, exit status 0; each within the probe's timeoutSeconds.
 */
final class KubeletProbes {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private KubeletProbes() {
    }

    /** Why the probe failed once, or empty when it passed. */
    static Optional<String> run(KubePlay.PlayedPod pod, Container container, Probe probe) {
        Duration timeout = Duration.ofSeconds(Optional.ofNullable(probe.getTimeoutSeconds()).orElse(1));
        if (probe.getHttpGet() != null) {
            int port = pod.hostPort(containerPort(container, probe.getHttpGet().getPort()));
            URI uri = URI.create("http://127.0.0.1:" + port + probe.getHttpGet().getPath());
            try {
                int status = HTTP.send(HttpRequest.newBuilder(uri).timeout(timeout).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                return status >= 200 && status < 400 ? Optional.empty() : Optional.of("GET " + uri + " answered " + status);
            } catch (IOException e) {
                return Optional.of("GET " + uri + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        if (probe.getTcpSocket() != null) {
            int port = pod.hostPort(containerPort(container, probe.getTcpSocket().getPort()));
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
                return Optional.empty();
            } catch (IOException e) {
                return Optional.of("connect to 127.0.0.1:" + port + ": " + e);
            }
        }
        if (probe.getExec() != null) {
            List<String> command = new ArrayList<>(List.of("exec", pod.container(container.getName())));
            command.addAll(probe.getExec().getCommand());
            Podman.Result result = Podman.run(timeout.plusSeconds(10), command.toArray(String[]::new));
            return result.ok() ? Optional.empty()
                    : Optional.of(String.join(" ", probe.getExec().getCommand()) + " exited with " + result.exitCode() + ": "
                            + result.stdout() + result.stderr());
        }
        throw new AssertionError("a probe of " + container.getName() + " that is neither httpGet, tcpSocket nor exec: " + probe);
    }

    /** Runs the probe until it passes, once a second; fails with its last failure after {@code within}. */
    static void awaitPass(KubePlay.PlayedPod pod, Container container, Probe probe, String what, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Optional<String> failure;
        do {
            failure = run(pod, container, probe);
            if (failure.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError(what + " probe of " + pod.container(container.getName()) + " did not pass within " + within
                + ": " + failure.get() + "\n" + Podman.logTail(pod.container(container.getName()), 60));
    }

    private static int containerPort(Container container, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " has no port named " + port.getStrVal()));
    }
}
