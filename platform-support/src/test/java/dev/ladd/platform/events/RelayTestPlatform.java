package dev.ladd.platform.events;

import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.platform.security.EnableServiceTokenCheck;
import dev.ladd.platform.security.ServiceToken;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.flywaydb.core.Flyway;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the relay tests run on, all real: a service-like Spring Boot app with platform-support's auto-configuration
 * and the service-token check, a fresh database on an embedded PostgreSQL (zonky; platform-test-support cannot be
 * used here, it depends on this module) and the test's {@code @EmbeddedKafka} broker.
 */
final class RelayTestPlatform {

    static final String TOKEN = token();
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private RelayTestPlatform() {
    }

    /** The app: nothing of its own, everything from platform-support, like a service before its own code. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableServiceTokenCheck
    static class App {
    }

    /**
     * A fresh database in the state a service left it before outbox parking existed (platform 0.1 and the service's
     * V1 applied), a blob-store folder and a service token.
     */
    static class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            String url = newDatabase();
            Flyway.configure().dataSource(url, "postgres", null).locations("classpath:db/platform").target("0.1")
                    .load().migrate();
            Flyway.configure().dataSource(url, "postgres", null).locations("classpath:db/migration")
                    .ignoreMigrationPatterns("*:missing").load().migrate();
            try {
                TestPropertyValues.of(
                        "spring.datasource.url=" + url,
                        "spring.datasource.username=postgres",
                        "ladd.blob-store.root=" + Files.createTempDirectory("relay-blobs-"),
                        "ladd.service-auth.token=" + TOKEN,
                        "logging.level.org.apache.kafka=WARN",
                        "logging.level.kafka=WARN",
                        "logging.level.state.change.logger=WARN").applyTo(context);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static synchronized String newDatabase() {
        try {
            if (postgres == null) {
                postgres = EmbeddedPostgres.builder().start();
                EmbeddedPostgres started = postgres;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting
                    }
                }));
            }
            String name = "relay_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name);
            }
            return postgres.getJdbcUrl("postgres", name);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("could not start embedded PostgreSQL or create a database", e);
        }
    }

    /** Creates a one-partition topic with the given topic configs, before the relay first sends to it. */
    static void createTopic(String brokers, String topic, Map<String, String> configs) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs))).all().get();
        }
    }

    static void setTopicConfig(String brokers, String topic, String name, String value)
            throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic),
                    List.of(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET)))).all().get();
        }
    }

    /** The records on a topic, from the beginning, until {@code count} arrived or the timeout passed. */
    static List<ConsumerRecord<String, EventEnvelope>> read(String brokers, String topic, int count, Duration timeout) {
        List<ConsumerRecord<String, EventEnvelope>> records = new ArrayList<>();
        Instant deadline = Instant.now().plus(timeout);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            while (records.size() < count && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        records.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(),
                                EventEnvelope.parseFrom(r.value())));
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new AssertionError("not an EventEnvelope on " + topic, e);
                    }
                }
            }
        }
        return records;
    }

    /** A request as the gateway forwards it: the service token, the caller and the caller's role. */
    static HttpResponse<String> call(int port, String method, String path, String role) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header(ServiceToken.HEADER, TOKEN).header(ServiceToken.CALLER_HEADER, "test-" + role)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (role != null) {
            request.header(ServiceToken.CALLER_ROLE_HEADER, role);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
