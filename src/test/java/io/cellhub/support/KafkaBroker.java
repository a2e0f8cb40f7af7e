package io.cellhub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka in KRaft mode, started from the jars of the build
 * ({@code target/kafka-broker.classpath}, which Maven writes) as a process of its own, on free
 * loopback ports, with its data in the scratch space. Tuned as docs/SCALE-OUT.md asks for takeovers
 * in seconds: short group session timeouts allowed, timed-out transactions aborted within 0.5 s.
 */
public final class KafkaBroker implements AutoCloseable {

    private final int port = FreePort.find();
    private final int controllerPort = FreePort.find();
    private final Path dir = ScratchSpace.directory("cellhub-kafka");
    private final Path log = dir.resolve("kafka.log");
    private Process process;

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    public KafkaBroker start() {
        String classpath = classpath();
        Path config = dir.resolve("server.properties");
        try {
            Files.writeString(config, String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "inter.broker.listener.name=PLAINTEXT",
                    "log.dirs=" + dir.resolve("data"),
                    "auto.create.topics.enable=false",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=6",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "transaction.state.log.num.partitions=6",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "group.min.session.timeout.ms=1000",
                    "transaction.abort.timed.out.transaction.cleanup.interval.ms=500",
                    ""));
            List<String> java = java(classpath);
            List<String> uuid = new ArrayList<>(java);
            uuid.addAll(List.of("kafka.tools.StorageTool", "random-uuid"));
            Process id = new ProcessBuilder(uuid).redirectErrorStream(false).start();
            String clusterId = new String(id.getInputStream().readAllBytes()).strip();
            id.waitFor(60, TimeUnit.SECONDS);
            clusterId = clusterId.substring(clusterId.lastIndexOf('\n') + 1).strip();
            List<String> format = new ArrayList<>(java);
            format.addAll(List.of("kafka.tools.StorageTool", "format", "--standalone", "-t", clusterId, "-c", config.toString()));
            Process formatting = new ProcessBuilder(format).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("format.log").toFile()).start();
            if (!formatting.waitFor(60, TimeUnit.SECONDS) || formatting.exitValue() != 0) {
                throw new IllegalStateException("Formatting Kafka's storage failed; see " + dir.resolve("format.log"));
            }
            List<String> server = new ArrayList<>(java);
            server.addAll(List.of("kafka.Kafka", config.toString()));
            process = new ProcessBuilder(server).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return this;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    break;
                }
                sleep(100);
            }
        }
        throw new IllegalStateException("Kafka did not start on port " + port + "; see " + log);
    }

    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static List<String> java(String classpath) {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-cp", classpath));
    }

    private static String classpath() {
        Path file = Path.of(System.getProperty("cellhub.kafka.classpath", "target/kafka-broker.classpath"));
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalStateException("The Kafka broker's class path " + file + " is missing; Maven writes it in the "
                    + "generate-test-resources phase (./mvnw verify or package)", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
