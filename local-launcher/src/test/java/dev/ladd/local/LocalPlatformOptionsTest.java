package dev.ladd.local;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalPlatformOptionsTest {

    @Test
    void defaultsStartEverythingOnTheDocumentedPorts() throws Exception {
        LocalPlatformOptions options = LocalPlatformOptions.parse();

        assertThat(options.postgresPort()).isEqualTo(15432);
        assertThat(options.kafkaPort()).isEqualTo(19092);
        assertThat(options.kafkaControllerPort()).isEqualTo(19093);
        assertThat(options.kafkaHeap()).isEqualTo("512m");
        assertThat(options.healthTimeout()).isEqualTo(Duration.ofSeconds(180));
        assertThat(options.services()).extracting(ServiceSpec::name, ServiceSpec::port).containsExactly(
                org.assertj.core.groups.Tuple.tuple("gateway-service", 8080),
                org.assertj.core.groups.Tuple.tuple("teacher-service", 8081),
                org.assertj.core.groups.Tuple.tuple("trainer-service", 8082),
                org.assertj.core.groups.Tuple.tuple("eval-service", 8083),
                org.assertj.core.groups.Tuple.tuple("inference-service", 8084));
        assertThat(options.services()).allSatisfy(s -> assertThat(s.heap()).isEqualTo("512m"));
        assertThat(options.repoDir().resolve("local-launcher")).isDirectory();
        assertThat(options.workDir()).isEqualTo(options.repoDir().resolve(".work"));
        assertThat(options.services().get(0).jar(options.repoDir()))
                .isEqualTo(options.repoDir().resolve("gateway-service/target/gateway-service-0.1.0-SNAPSHOT.jar"));
    }

    @Test
    void trainerAndInferenceReplicasGetTheirOwnPortsAndIds() throws Exception {
        LocalPlatformOptions options = LocalPlatformOptions.parse("--trainer-replicas=2", "--inference-replicas=3");

        assertThat(options.services()).extracting(ServiceSpec::id, ServiceSpec::port).containsExactly(
                org.assertj.core.groups.Tuple.tuple("gateway-service", 8080),
                org.assertj.core.groups.Tuple.tuple("teacher-service", 8081),
                org.assertj.core.groups.Tuple.tuple("trainer-service", 8082),
                org.assertj.core.groups.Tuple.tuple("trainer-service-2", 8092),
                org.assertj.core.groups.Tuple.tuple("eval-service", 8083),
                org.assertj.core.groups.Tuple.tuple("inference-service", 8084),
                org.assertj.core.groups.Tuple.tuple("inference-service-2", 8094),
                org.assertj.core.groups.Tuple.tuple("inference-service-3", 8104));
    }

    @Test
    void badReplicaCountsAreRefusedWithTheOption() {
        assertThatThrownBy(() -> LocalPlatformOptions.parse("--inference-replicas=0"))
                .isInstanceOf(OptionsException.class).hasMessageContaining("--inference-replicas=0 is out of range: 1 to 8");
        assertThatThrownBy(() -> LocalPlatformOptions.parse("--trainer-replicas=two"))
                .isInstanceOf(OptionsException.class).hasMessageContaining("--trainer-replicas=two is not a number");
        assertThatThrownBy(() -> LocalPlatformOptions.parse("--teacher-replicas=2"))
                .isInstanceOf(OptionsException.class).hasMessageContaining("unknown option --teacher-replicas");
        assertThatThrownBy(() -> LocalPlatformOptions.parse("--services=gateway", "--trainer-replicas=2"))
                .isInstanceOf(OptionsException.class).hasMessageContaining("does not start trainer-service");
        assertThatThrownBy(() -> LocalPlatformOptions.parse("--inference-replicas=2", "--eval-port=8094"))
                .isInstanceOf(OptionsException.class).hasMessageContaining("port 8094 is given to both");
    }

    @Test
    void parsesEveryOption() throws Exception {
        LocalPlatformOptions options = LocalPlatformOptions.parse(
                "--work-dir=/tmp/ladd-work", "--repo-dir=/tmp/ladd-repo", "--pg-port=1000", "--kafka-port=2000",
                "--kafka-controller-port=2100", "--kafka-heap=1g", "--services=teacher,eval-service",
                "--base-port=9000", "--eval-port=9999", "--heap=384m", "--teacher-heap=2g", "--health-timeout=3m");

        assertThat(options.workDir()).isEqualTo(Path.of("/tmp/ladd-work"));
        assertThat(options.repoDir()).isEqualTo(Path.of("/tmp/ladd-repo"));
        assertThat(options.postgresPort()).isEqualTo(1000);
        assertThat(options.kafkaPort()).isEqualTo(2000);
        assertThat(options.kafkaControllerPort()).isEqualTo(2100);
        assertThat(options.kafkaHeap()).isEqualTo("1g");
        assertThat(options.healthTimeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(options.services()).containsExactly(
                new ServiceSpec("teacher-service", 9001, "2g"),
                new ServiceSpec("eval-service", 9999, "384m"));
    }

    @Test
    void servicesNoneStartsOnlyTheInfrastructure() throws Exception {
        assertThat(LocalPlatformOptions.parse("--services=none").services()).isEmpty();
        assertThat(LocalPlatformOptions.parse("--services=all").services()).hasSize(5);
    }

    @Test
    void healthTimeoutTakesSecondsOrAUnit() throws Exception {
        assertThat(LocalPlatformOptions.parse("--health-timeout=90").healthTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(LocalPlatformOptions.parse("--health-timeout=90s").healthTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(LocalPlatformOptions.parse("--health-timeout=1500ms").healthTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(LocalPlatformOptions.parse().serveTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(LocalPlatformOptions.parse("--serve-timeout=3m").serveTimeout()).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void serviceJvmOptionsDefaultToTheQuickStartingOnesAndMayBeEmpty() throws Exception {
        assertThat(LocalPlatformOptions.parse().serviceJvmOptions()).containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        assertThat(LocalPlatformOptions.parse("--service-jvm-options= -Xss512k  -XX:+UseG1GC ").serviceJvmOptions())
                .containsExactly("-Xss512k", "-XX:+UseG1GC");
        assertThat(LocalPlatformOptions.parse("--service-jvm-options=").serviceJvmOptions()).isEmpty();
    }

    @Test
    void rejectsBadOptionsWithAClearMessage() {
        assertBad("unknown option --colour", "--colour=red");
        assertBad("unexpected argument 'gateway'", "gateway");
        assertBad("option --pg-port needs a value", "--pg-port");
        assertBad("--pg-port=abc is not a port number", "--pg-port=abc");
        assertBad("--kafka-port=70000 is out of range", "--kafka-port=70000");
        assertBad("--heap=lots is not a heap size", "--heap=lots");
        assertBad("--gateway-heap=0m is not a heap size", "--gateway-heap=0m");
        assertBad("unknown service 'billing' in --services", "--services=gateway,billing");
        assertBad("--services is empty", "--services=");
        assertBad("--health-timeout=soon is not a duration", "--health-timeout=soon");
        assertBad("--health-timeout must be more than zero", "--health-timeout=0");
        assertBad("--serve-timeout must be more than zero", "--serve-timeout=0");
        assertBad("--service-jvm-options: 'UseSerialGC' is not a JVM option", "--service-jvm-options=-Xss1m UseSerialGC");
        assertBad("port 8080 is given to both PostgreSQL (--pg-port) and gateway-service", "--pg-port=8080");
        assertBad("port 19093 is given to both the Kafka controller", "--gateway-port=19093");
    }

    @Test
    void portClashesWithServicesNotStartedAreFine() throws Exception {
        assertThat(LocalPlatformOptions.parse("--services=none", "--pg-port=8080").postgresPort()).isEqualTo(8080);
    }

    @Test
    void recognisesHelp() {
        assertThat(LocalPlatformOptions.isHelp("--pg-port=1", "--help")).isTrue();
        assertThat(LocalPlatformOptions.isHelp("-h")).isTrue();
        assertThat(LocalPlatformOptions.isHelp("--pg-port=1")).isFalse();
        assertThat(LocalPlatformOptions.help()).contains("--services=LIST", "--health-timeout", "--no-build");
    }

    @Test
    void mainExitsWithCodeTwoAndNoStackTraceOnABadOption() {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = LocalPlatform.run(new String[] {"--pg-port=x"});
        } finally {
            System.setErr(originalErr);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("ladd-local: --pg-port=x is not a port number", "--help")
                .doesNotContain("Exception", "\tat ");
    }

    @Test
    void missingServiceJarsFailBeforeAnythingStarts(@org.junit.jupiter.api.io.TempDir Path tmp) {
        LocalPlatformOptions options = LocalPlatformTestSupport.options(tmp.resolve("work"),
                "--repo-dir=" + tmp.resolve("empty-repo"), "--services=gateway");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> LocalPlatform.start(options, new PrintStream(out, true, StandardCharsets.UTF_8)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("gateway-service-0.1.0-SNAPSHOT.jar")
                .hasMessageContaining("./mvnw -B -DskipTests install");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("PostgreSQL");
    }

    private static void assertBad(String expectedMessage, String... args) {
        assertThatThrownBy(() -> LocalPlatformOptions.parse(args))
                .isInstanceOf(OptionsException.class)
                .hasMessageContaining(expectedMessage);
    }
}
