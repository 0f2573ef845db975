package dev.ladd.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * A real Kafka broker ({@code kafka.Kafka}) in a child JVM, KRaft combined mode (broker and controller in one
 * process, node 1), data under {@code <work>/kafka}. The storage is formatted once, with a fixed cluster id.
 */
final class KafkaBroker implements AutoCloseable {

    /** A fixed KRaft cluster id: base64url of the 16 bytes "LaddLocalCluster". */
    static final String CLUSTER_ID = "TGFkZExvY2FsQ2x1c3Rlcg";

    private final ChildProcess process;
    private final int port;

    private KafkaBroker(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Writes the configuration, formats the storage if this is the first start, and starts the broker. Does not wait
     * for it: see {@link #awaitReady}.
     *
     * @param kafkaDir  {@code <work>/kafka}: configuration and data
     * @param classpath the child JVM's classpath (the launcher's runtime dependencies)
     */
    static KafkaBroker start(Path java, String classpath, Path kafkaDir, Path logDir, Path runDir,
                             int port, int controllerPort, String heap) {
        Path dataDir = kafkaDir.resolve("data");
        Path config = kafkaDir.resolve("server.properties");
        Path log4j = kafkaDir.resolve("log4j2.properties");
        Path logFile = logDir.resolve("kafka.log");
        try {
            Files.createDirectories(dataDir);
            Files.writeString(config, serverProperties(dataDir, port, controllerPort), StandardCharsets.UTF_8);
            Files.writeString(log4j, LOG4J2_PROPERTIES, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new StartupException("could not write the Kafka configuration under " + kafkaDir + ": " + e.getMessage(), e);
        }
        List<String> jvm = List.of(java.toString(), "-Xmx" + heap, "-Xss1m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
                "-Djava.awt.headless=true", "-Dlog4j2.configurationFile=" + log4j.toUri(),
                "-Dkafka.logs.dir=" + logDir, "-cp", classpath);

        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            format(jvm, kafkaDir, config, logFile);
        }
        List<String> command = new ArrayList<>(jvm);
        command.add("kafka.Kafka");
        command.add(config.toString());
        ChildProcess process = ChildProcess.start("kafka", command, kafkaDir, logFile, runDir.resolve("kafka.pid"));
        return new KafkaBroker(process, port);
    }

    private static void format(List<String> jvm, Path kafkaDir, Path config, Path logFile) {
        List<String> command = new ArrayList<>(jvm);
        command.addAll(List.of("kafka.tools.StorageTool", "format", "-t", CLUSTER_ID, "-c", config.toString()));
        ChildProcess format = ChildProcess.start("kafka-storage-format", command, kafkaDir, logFile, null);
        try {
            if (!format.waitFor(Duration.ofSeconds(120))) {
                format.stop(Duration.ofSeconds(5));
                throw new StartupException("formatting the Kafka storage took over 120 s; see " + logFile);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            format.stop(Duration.ofSeconds(5));
            throw new StartupException.Aborted();
        }
        if (format.exitValue() != 0) {
            throw new StartupException("formatting the Kafka storage failed (exit code " + format.exitValue() + ")"
                    + format.logTail(30));
        }
    }

    static String serverProperties(Path dataDir, int port, int controllerPort) {
        return """
                # Written by ladd-local on every start; edits are overwritten.
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@localhost:%2$d
                listeners=PLAINTEXT://localhost:%1$d,CONTROLLER://localhost:%2$d
                advertised.listeners=PLAINTEXT://localhost:%1$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                log.dirs=%3$s
                num.partitions=1
                default.replication.factor=1
                min.insync.replicas=1
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                transaction.state.log.num.partitions=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                auto.create.topics.enable=true
                num.network.threads=2
                num.io.threads=4
                log.retention.hours=168
                """.formatted(port, controllerPort, dataDir.toString().replace("\\", "/"));
    }

    private static final String LOG4J2_PROPERTIES = """
            # Written by ladd-local: the broker logs to stdout, which the launcher appends to logs/kafka.log.
            status = warn
            appender.stdout.type = Console
            appender.stdout.name = STDOUT
            appender.stdout.layout.type = PatternLayout
            appender.stdout.layout.pattern = [%d] %p %m (%c)%n
            rootLogger.level = INFO
            rootLogger.appenderRef.stdout.ref = STDOUT
            logger.statechange.name = state.change.logger
            logger.statechange.level = WARN
            logger.request.name = kafka.request.logger
            logger.request.level = WARN
            logger.authorizer.name = kafka.authorizer.logger
            logger.authorizer.level = WARN
            """;

    String bootstrapServers() {
        return "localhost:" + port;
    }

    Path logFile() {
        return process.logFile();
    }

    ChildProcess process() {
        return process;
    }

    /**
     * Waits until the broker answers a describe-cluster request.
     *
     * @throws StartupException when the broker exits or the timeout passes; the message quotes its log
     */
    void awaitReady(Duration timeout, BooleanSupplier aborted) {
        Instant deadline = Instant.now().plus(timeout);
        while (!Ports.accepts(port, 500)) {
            checkStillStarting(deadline, timeout, aborted);
            sleep(200);
        }
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500,
                AdminClientConfig.CLIENT_ID_CONFIG, "ladd-local-readiness");
        try (Admin admin = Admin.create(config)) {
            while (true) {
                checkStillStarting(deadline, timeout, aborted);
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000))
                            .nodes().get(4, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StartupException.Aborted();
                }
            }
        }
    }

    private void checkStillStarting(Instant deadline, Duration timeout, BooleanSupplier aborted) {
        if (aborted.getAsBoolean()) {
            throw new StartupException.Aborted();
        }
        if (!process.isAlive()) {
            throw new StartupException("Kafka exited with code " + process.exitValue() + " while starting"
                    + process.logTail(30));
        }
        if (Instant.now().isAfter(deadline)) {
            throw new StartupException("Kafka did not accept connections on localhost:" + port + " within "
                    + timeout.toSeconds() + " s; see " + process.logFile() + process.logTail(30));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException.Aborted();
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
