package io.cellhub.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.vertx.core.json.JsonArray;

/** What CellHub, a process on this machine, tells about itself over HTTP and {@code jcmd}. */
final class CellHubProbe {

    private final long pid;
    private final String baseUri;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    CellHubProbe(long pid, String host, int httpPort) {
        this.pid = pid;
        this.baseUri = "http://" + host + ":" + httpPort;
    }

    /**
     * The heap in use right after a full collection: {@code jcmd PID GC.run} (System.gc(), which
     * returns when the collection is over), then {@code jvm_memory_used_bytes} summed over the heap
     * pools. Read from the metrics rather than {@code GC.heap_info}, whose text depends on the collector.
     */
    double heapAfterFullGc() throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            jcmd.destroy();
            throw new IOException("jcmd " + pid + " GC.run failed: " + output.strip());
        }
        return metric("jvm_memory_used_bytes", "area=\"heap\"");
    }

    /** The sum of a metric's samples whose labels contain {@code labels} (empty: all of them). */
    double metric(String name, String labels) throws IOException, InterruptedException {
        double sum = 0;
        boolean found = false;
        for (String sample : get("/q/metrics").split("\n")) {
            int space = sample.lastIndexOf(' ');
            if (sample.startsWith("#") || space < 0) {
                continue;
            }
            String key = sample.substring(0, space);
            if ((key.equals(name) || key.startsWith(name + "{")) && key.contains(labels)) {
                sum += Double.parseDouble(sample.substring(space + 1));
                found = true;
            }
        }
        if (!found) {
            throw new IOException("no metric " + name + " with " + labels + " at " + baseUri + "/q/metrics");
        }
        return sum;
    }

    /** {@code GET /api/stream/clients}: id, filter, remote, sent, dropped, waiting, resyncs of each client. */
    JsonArray streamClients() throws IOException, InterruptedException {
        return new JsonArray(get("/api/stream/clients"));
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUri + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + response.statusCode());
        }
        return response.body();
    }
}
