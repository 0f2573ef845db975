package dev.ladd.teacher.training;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.AutoencoderCheckpoint;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;
import dev.ladd.platform.db.AdvisoryLocks;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.ServiceIntegrationTest;
import dev.ladd.platform.test.TestServiceToken;
import dev.ladd.teacher.TeacherServiceApplication;
import dev.ladd.teacher.registry.AutoencoderRegistry;
import dev.ladd.teacher.registry.TeacherRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Training jobs live in the database, not in a service's memory (docs/adr/016). This service records jobs but does
 * not train (its worker is off); other teacher-services on the same database, broker and blob store, started and
 * stopped by the test as restarts are, train them: queued jobs, a job a dead worker left running, a job a live
 * worker holds (left alone), and a job that a service stop paused with its state saved.
 */
@ServiceIntegrationTest
@TestPropertySource(properties = {"ladd.teacher.training.enabled=false", "ladd.teacher.generation.enabled=false"})
class TrainingJobRestartTest extends EventContract {

    @Autowired
    Environment environment;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TrainingJobRepository jobs;
    @Autowired
    AutoencoderRegistry autoencoders;
    @Autowired
    TeacherRegistry teachers;
    @Autowired
    AdvisoryLocks locks;
    @LocalServerPort
    int port;

    @Test
    void jobsOutliveTheServiceThatAcceptedThemAndTheWorkersThatTrainedThem() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        registerTinyAutoencoder("ae-" + suffix);
        String queued = post("/api/v1/autoencoder-jobs", "{\"autoencoderId\":\"ae-queued-" + suffix + "\",\"dataset\":\"tiny\","
                + "\"images\":32,\"steps\":6,\"batchSize\":4,\"learningRate\":0.002,\"baseChannels\":4,\"seed\":5}");
        String crashed = post("/api/v1/training-jobs", teacherJob("t-crashed-" + suffix, "ae-" + suffix));
        String held = post("/api/v1/training-jobs", teacherJob("t-held-" + suffix, "ae-" + suffix));
        String paused = post("/api/v1/autoencoder-jobs", "{\"autoencoderId\":\"ae-paused-" + suffix + "\",\"dataset\":\"tiny\","
                + "\"images\":32,\"steps\":100000,\"batchSize\":4,\"learningRate\":0.002,\"baseChannels\":4,\"seed\":5}");
        assertThat(state(queued)).as("nothing trains on this instance").isEqualTo("queued");

        // a worker died while training `crashed` (nothing holds its lock); a live worker holds `held`
        jdbc.update("UPDATE training_job SET state = 'running', step = 2 WHERE job_id IN (?, ?)", crashed, held);
        AdvisoryLocks.Held liveWorker = locks.tryLock("training-job:" + held).orElseThrow();
        long pausedAt;
        dev.ladd.ml.blob.BlobId pausedState;
        try {
            try (ConfigurableApplicationContext first = startAnotherTeacherService()) {
                await().atMost(Duration.ofMinutes(3)).until(() -> state(queued).equals("completed")
                        && state(crashed).equals("completed"));
                await().atMost(Duration.ofMinutes(3)).until(() -> state(paused).equals("running") && step(paused) >= 1);
                // the worker went past `held` to the younger `paused`: it left the live worker's job alone
                assertThat(state(held)).isEqualTo("running");
                assertThat(step(held)).isEqualTo(2);
            }   // a service stop: the running job saves its state and is queued again

            TrainingJob afterStop = jobs.find(paused).orElseThrow();
            assertThat(afterStop.state()).isEqualTo(JobState.QUEUED);
            pausedAt = afterStop.step();
            assertThat(pausedAt).isBetween(1L, 99_999L);
            pausedState = jobs.savedState(paused).orElseThrow();
        } finally {
            liveWorker.close();   // the live worker ends (without finishing its job)
        }
        assertThat(autoencoders.isRegistered("ae-queued-" + suffix)).isTrue();
        assertThat(teachers.isRegistered("t-crashed-" + suffix)).isTrue();

        // stopped while queued: the next worker goes on from the saved state for one step and saves it again
        assertThat(post("/api/v1/autoencoder-jobs/" + paused + "/stop", "", 200)).contains("\"state\":\"stopping\"");
        try (ConfigurableApplicationContext second = startAnotherTeacherService()) {
            await().atMost(Duration.ofMinutes(3)).until(() -> state(held).equals("completed")
                    && state(paused).equals("stopped"));
        }
        assertThat(teachers.isRegistered("t-held-" + suffix)).isTrue();
        assertThat(step(paused)).as("resumed from its saved state, not from the start").isEqualTo(pausedAt + 1);
        assertThat(jobs.savedState(paused)).get().as("the state one step later").isNotEqualTo(pausedState);
    }

    static String teacherJob(String teacherId, String autoencoderId) {
        return "{\"teacherId\":\"" + teacherId + "\",\"autoencoderId\":\"" + autoencoderId + "\",\"dataset\":\"tiny\","
                + "\"images\":16,\"steps\":3,\"batchSize\":4,\"learningRate\":0.001,\"seed\":3}";
    }

    void registerTinyAutoencoder(String id) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Autoencoder autoencoder = new Autoencoder(AutoencoderConfig.tiny());
            autoencoder.initialize(manager, 11);
            autoencoders.register(id, AutoencoderCheckpoint.save(autoencoder, 0, Map.of()), "trained");
        }
    }

    String state(String jobId) {
        return jobs.find(jobId).orElseThrow().state().value();
    }

    long step(String jobId) {
        return jobs.find(jobId).orElseThrow().step();
    }

    /** Posts as the gateway does and returns the new job's id (the body for {@code expectStatus}). */
    String post(String path, String json) throws Exception {
        String body = post(path, json, 202);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"jobId\":\"([^\"]+)\"").matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return m.group(1);
    }

    String post(String path, String json, int expectStatus) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(TestServiceToken.add(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectStatus);
        return response.body();
    }

    /** Another teacher-service on the same database, broker and blob store, as a restart or a second replica is. */
    ConfigurableApplicationContext startAnotherTeacherService() {
        return new SpringApplicationBuilder(TeacherServiceApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=" + environment.getProperty("spring.datasource.url"),
                "--spring.datasource.username=postgres",
                "--spring.cloud.stream.kafka.binder.brokers=" + brokers,
                "--ladd.blob-store.root=" + environment.getProperty("ladd.blob-store.root"),
                "--ladd.service-auth.token=" + environment.getProperty("ladd.service-auth.token"),
                "--ladd.teacher.generation.enabled=false",
                "--ladd.teacher.training.enabled=true",
                "--ladd.teacher.training.poll-interval=200ms");
    }
}
