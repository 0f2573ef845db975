package dev.ladd.local;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the real PostgreSQL and Kafka (no services) twice on the same work folder: both answer, stopping leaves no
 * process and no port behind, and the second start finds the data of the first.
 */
class LocalPlatformInfrastructureTest {

    private static final String TOPIC = "ladd-local-test";

    @Test
    @Timeout(180)
    void startsStopsCleanlyAndKeepsDataAcrossRestarts(@TempDir Path workDir) throws Exception {
        LocalPlatformOptions options = LocalPlatformTestSupport.infrastructureOnly(workDir);
        List<Long> pids;

        try (LocalPlatform platform = LocalPlatform.start(options)) {
            assertThat(platform.postgresInitialized()).as("first start runs initdb").isTrue();
            try (Connection connection = connect(platform)) {
                assertThat(queryInt(connection, "select 1")).isEqualTo(1);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("create table survivor (id int primary key)");
                    statement.execute("insert into survivor values (42)");
                }
            }
            produce(platform, "first");
            assertThat(consumeAll(platform, "group-1", 1)).containsExactly("first");
            pids = platform.pids();
            assertThat(pids).hasSize(2); // the postmaster and the broker
        }

        assertNothingLeft(options, pids);

        try (LocalPlatform platform = LocalPlatform.start(options)) {
            assertThat(platform.postgresInitialized()).as("second start re-uses the data directory").isFalse();
            try (Connection connection = connect(platform)) {
                assertThat(queryInt(connection, "select id from survivor")).isEqualTo(42);
            }
            produce(platform, "second");
            assertThat(consumeAll(platform, "group-2", 2)).containsExactly("first", "second");
            pids = platform.pids();
        }

        assertNothingLeft(options, pids);
    }

    private static void assertNothingLeft(LocalPlatformOptions options, List<Long> pids) {
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("process " + pid).isEmpty();
        }
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).toList())
                .as("processes started by this JVM").isEmpty();
        assertThat(Ports.isFree(options.postgresPort())).as("PostgreSQL port").isTrue();
        assertThat(Ports.isFree(options.kafkaPort())).as("Kafka port").isTrue();
        assertThat(Ports.isFree(options.kafkaControllerPort())).as("Kafka controller port").isTrue();
    }

    private static Connection connect(LocalPlatform platform) throws SQLException {
        return DriverManager.getConnection(platform.jdbcUrl(), "postgres", "");
    }

    private static int queryInt(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getInt(1);
        }
    }

    private static void produce(LocalPlatform platform, String value) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>(TOPIC, "key", value)).get();
        }
    }

    private static List<String> consumeAll(LocalPlatform platform, String group, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(TOPIC));
            Instant deadline = Instant.now().plusSeconds(30);
            while (values.size() < expected && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
