package dev.ladd.local.chaos;

import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.local.LocalPlatform;
import dev.ladd.local.ServiceSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the chaos command reads the platform's state from, as an operator could: SQL over JDBC on the launcher's
 * PostgreSQL (each service's own schema), the Kafka admin API and a plain consumer, the blob folder, and HTTP.
 */
public final class Probes implements AutoCloseable {

    /** Every consumer group of the platform and the topics it reads (the services' stream bindings). */
    public static final Map<String, List<String>> INPUTS = Map.of(
            "trainer-service", List.of("ladd.run.requested", "ladd.synthetic.shards"),
            "teacher-service", List.of("ladd.synthetic.requested"),
            "eval-service", List.of("ladd.checkpoint.published"),
            "inference-service", List.of("ladd.serving.desired"),
            "gateway-service", List.of("ladd.run.lifecycle", "ladd.serving.status", "ladd.checkpoint.published",
                    "ladd.checkpoint.scored"));

    /** The schemas whose outbox holds events not yet sent. */
    public static final List<String> SCHEMAS = List.of("gateway", "teacher", "trainer", "eval", "inference");

    private final LocalPlatform platform;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private Admin admin;

    public Probes(LocalPlatform platform) {
        this.platform = platform;
    }

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("connectTimeout", "5");
        props.setProperty("ApplicationName", "ladd-chaos");
        return DriverManager.getConnection(platform.jdbcUrl(), props);
    }

    /** The first column of every row of a query, as strings. */
    public List<String> column(String sql, Object... args) throws SQLException {
        try (Connection c = connect(); PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setObject(i + 1, args[i]);
            }
            List<String> values = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
            return values;
        }
    }

    public long count(String sql, Object... args) throws SQLException {
        List<String> values = column(sql, args);
        return values.isEmpty() || values.get(0) == null ? 0 : Long.parseLong(values.get(0));
    }

    public Optional<String> value(String sql, Object... args) throws SQLException {
        List<String> values = column(sql, args);
        return values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
    }

    /** Rows left in the services' outboxes (events written but not yet on Kafka). */
    public long unsentEvents() throws SQLException {
        long total = 0;
        for (String schema : SCHEMAS) {
            total += count("select count(*) from " + schema + ".outbox_event");
        }
        return total;
    }

    private Admin admin() {
        if (admin == null) {
            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.kafkaBootstrapServers());
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
            admin = Admin.create(props);
        }
        return admin;
    }

    /**
     * Per "group topic": records the group has not yet consumed (end offset minus committed offset, over every
     * partition; the end offset counts transaction markers too, so a fully consumed partition shows 0 or a marker).
     */
    public Map<String, Long> consumerLag() throws Exception {
        Map<String, Long> lag = new HashMap<>();
        for (Map.Entry<String, List<String>> group : INPUTS.entrySet()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin().listConsumerGroupOffsets(group.getKey())
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (String topic : group.getValue()) {
                admin().describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions()
                        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin().listOffsets(latest).all().get();
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : ends.entrySet()) {
                OffsetAndMetadata at = committed.get(end.getKey());
                long behind = end.getValue().offset() - (at == null ? 0 : at.offset());
                lag.merge(group.getKey() + " " + end.getKey().topic(), behind, Long::sum);
            }
        }
        return lag;
    }

    /** Every event on a topic (read committed, from the start): its envelope, or null for a record that is not one. */
    public List<EventEnvelope> events(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.kafkaBootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<EventEnvelope> events = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                return events;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline
                    && partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        events.add(EventEnvelope.parseFrom(record.value()));
                    } catch (Exception e) {
                        events.add(null);
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return events;   // no such topic yet
        }
        return events;
    }

    /** Sends records to a topic as they are (the chaos poison events). */
    public void send(String topic, String key, byte[] value) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.kafkaBootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** The blob file of a sha256 in the platform's blob store, if there is one. */
    public Optional<Path> blob(String sha256) throws IOException {
        try (Stream<Path> files = Files.walk(platform.options().blobDir())) {
            return files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().startsWith(sha256)).findFirst();
        }
    }

    public static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A GET or POST to the gateway with the admin key: status and body (status -1: no answer). */
    public HttpResponse<String> gateway(String method, String path, String body) throws InterruptedException {
        return call(service("gateway-service").baseUrl() + path, method, body, "Authorization", "Bearer " + platform.adminKey());
    }

    /** A GET from one service process directly, with the service token. */
    public HttpResponse<String> internal(ServiceSpec spec, String path) throws InterruptedException {
        return call(spec.baseUrl() + path, "GET", null, LocalPlatform.SERVICE_TOKEN_HEADER, platform.serviceToken());
    }

    private HttpResponse<String> call(String url, String method, String body, String header, String value)
            throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header(header, value).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether a service process answers its readiness probe. */
    public boolean ready(ServiceSpec spec) throws InterruptedException {
        HttpResponse<String> response = call(spec.baseUrl() + "/readyz", "GET", null, "Accept", "application/json");
        return response != null && response.statusCode() == 200;
    }

    public ServiceSpec service(String id) {
        return platform.options().services().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + id));
    }

    public List<ServiceSpec> services() {
        return platform.options().services();
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
