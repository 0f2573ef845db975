package dev.ladd.teacher.synthetic;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.SyntheticDataRequested;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.data.LatentShard;
import dev.ladd.platform.events.Outbox;
import dev.ladd.platform.test.EventContract;
import dev.ladd.platform.test.ServiceIntegrationTest;
import dev.ladd.platform.test.TestEvents;
import dev.ladd.teacher.TeacherProperties;
import dev.ladd.teacher.registry.TeacherRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Synthetic-data generation as claims (docs/adr/016), on a pool of ONE database connection: anything that held a
 * connection or a transaction while sampling would starve every other database use until Hikari's timeout.
 * The sampler is the real teacher's, wrapped so that a test can make it fail or wait for one request.
 */
@ServiceIntegrationTest
@TestPropertySource(properties = {
        "spring.datasource.hikari.maximum-pool-size=1",
        // Flyway needs two connections at once: it migrates over its own
        "spring.flyway.url=${spring.datasource.url}", "spring.flyway.user=postgres",
        "spring.datasource.hikari.connection-timeout=10000",
        "ladd.teacher.training.enabled=false",
        "ladd.teacher.generation.poll-interval=100ms",
        "ladd.teacher.generation.max-attempts=3",
        "ladd.teacher.generation.initial-backoff=1s",
        "ladd.teacher.generation.max-backoff=1h"})
class SyntheticDataClaimsTest extends EventContract {

    /** The real sampler, plus per-request failures and gates, and a log of calls. */
    static class ScriptedSampler implements ShardSampler {
        record Call(String requestId, long atMillis, boolean inTransaction) {
        }

        final ShardSampler real;
        final List<Call> calls = java.util.Collections.synchronizedList(new ArrayList<>());
        final Map<String, String> failures = new ConcurrentHashMap<>();
        final Map<String, CountDownLatch[]> gates = new ConcurrentHashMap<>();   // {entered, release}, first call only

        ScriptedSampler(ShardSampler real) {
            this.real = real;
        }

        @Override
        public LatentShard sample(GenerationJob job, List<String> prompts, List<Long> seeds) throws java.io.IOException {
            calls.add(new Call(job.requestId(), System.currentTimeMillis(),
                    TransactionSynchronizationManager.isActualTransactionActive()));
            CountDownLatch[] gate = gates.remove(job.requestId());
            if (gate != null) {
                gate[0].countDown();
                try {
                    assertThat(gate[1].await(5, TimeUnit.MINUTES)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            String failure = failures.get(job.requestId());
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            return real.sample(job, prompts, seeds);
        }

        List<Call> callsFor(String requestId) {
            synchronized (calls) {
                return calls.stream().filter(c -> c.requestId().equals(requestId)).toList();
            }
        }

        int indexOfCall(String requestId, int n) {
            synchronized (calls) {
                int seen = 0;
                for (int i = 0; i < calls.size(); i++) {
                    if (calls.get(i).requestId().equals(requestId) && seen++ == n) {
                        return i;
                    }
                }
                return -1;
            }
        }
    }

    @TestConfiguration
    static class Sampling {
        @Bean
        @Primary
        ScriptedSampler scriptedSampler(TeacherRegistry teachers) {
            return new ScriptedSampler(new TeacherShardSampler(teachers));
        }
    }

    @Autowired
    ScriptedSampler sampler;
    @Autowired
    SyntheticDataGenerator generator;
    @Autowired
    SyntheticRequestRepository requests;
    @Autowired
    TeacherRegistry registry;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    TeacherProperties properties;
    @Autowired
    BlobStore blobs;
    @Autowired
    Outbox outbox;

    @BeforeEach
    void registerTheTinyTeacher() throws Exception {
        if (!registry.isRegistered("known")) {
            registry.importFolder("known", "a tiny random teacher for tests",
                    TinyTeacher.folder(Files.createTempDirectory("tiny-teacher")), "registered");
        }
    }

    static EventEnvelope request(String runId, int numSamples) {
        return TestEvents.from("trainer-service", runId, EventEnvelope.newBuilder().setSyntheticDataRequested(
                SyntheticDataRequested.newBuilder().setRunId(runId).setRequestId(runId + "/data-0").setTeacherId("known")
                        .setNumSamples(numSamples).setShardSize(4).setSamplerSteps(2).setCfgScale(1.5f).setSeed(1)));
    }

    String state(String requestId) {
        return requests.find(requestId).map(SyntheticRequest::state).orElse("");
    }

    List<EventEnvelope> shardEventsFor(String runId) {
        return kafka.readEvents(Topics.SYNTHETIC_SHARDS, Integer.MAX_VALUE, Duration.ofSeconds(4)).stream()
                .filter(e -> e.getCorrelationId().equals(runId)).toList();
    }

    @Test
    void aRequestThatKeepsFailingFailsAfterItsAttemptsWithItsReasonPublishedWhileOthersAreServed() {
        String bad = "run-bad-" + UUID.randomUUID();
        String good = "run-good-" + UUID.randomUUID();
        sampler.failures.put(bad + "/data-0", "the teacher exploded");

        kafka.send(Topics.SYNTHETIC_DATA_REQUESTED, bad, request(bad, 4));     // older: first in line
        kafka.send(Topics.SYNTHETIC_DATA_REQUESTED, good, request(good, 8));   // two shards

        await().atMost(Duration.ofSeconds(120)).until(() -> state(bad + "/data-0").equals("failed")
                && state(good + "/data-0").equals("produced"));

        SyntheticRequest failed = requests.find(bad + "/data-0").orElseThrow();
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.reason()).isEqualTo("generation failed 3 times, giving up; last error: the teacher exploded");
        List<ScriptedSampler.Call> badCalls = sampler.callsFor(bad + "/data-0");
        assertThat(badCalls).as("exactly max-attempts attempts").hasSize(3);
        // the backoff doubles (1 s, 2 s), measured between the sampling calls: lower bounds only
        assertThat(badCalls.get(1).atMillis() - badCalls.get(0).atMillis()).isGreaterThanOrEqualTo(1000);
        assertThat(badCalls.get(2).atMillis() - badCalls.get(1).atMillis()).isGreaterThanOrEqualTo(2000);
        // the younger request was served while the older one waited out its backoff, not after it gave up
        assertThat(sampler.indexOfCall(good + "/data-0", 0)).isLessThan(sampler.indexOfCall(bad + "/data-0", 2));
        assertThat(sampler.callsFor(good + "/data-0")).hasSize(2);

        List<EventEnvelope> toBad = shardEventsFor(bad);
        assertThat(toBad).hasSize(1);
        assertThat(toBad.get(0).hasSyntheticDataRejected()).isTrue();
        assertThat(toBad.get(0).getSyntheticDataRejected().getRequestId()).isEqualTo(bad + "/data-0");
        assertThat(toBad.get(0).getSyntheticDataRejected().getReason()).isEqualTo(failed.reason());
        assertThat(shardEventsFor(good)).extracting(e -> e.getSyntheticShardProduced().getShardIndex())
                .containsExactly(0, 1);
    }

    @Test
    void noConnectionOrTransactionIsHeldWhileAShardIsSampled() throws Exception {
        String slow = "run-slow-" + UUID.randomUUID();
        String other = "run-other-" + UUID.randomUUID();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        sampler.gates.put(slow + "/data-0", new CountDownLatch[] {entered, release});
        try {
            kafka.send(Topics.SYNTHETIC_DATA_REQUESTED, slow, request(slow, 4));
            assertThat(entered.await(2, TimeUnit.MINUTES)).as("the worker samples the slow request").isTrue();

            // the worker is inside the sampler now; the pool's only connection must be free for everyone else
            String seen = tx.execute(s -> jdbc.queryForObject("SELECT state FROM synthetic_request WHERE request_id = ?",
                    String.class, slow + "/data-0"));
            assertThat(seen).isEqualTo("claimed");
            tx.executeWithoutResult(s -> jdbc.update("UPDATE synthetic_request SET last_error = NULL WHERE request_id = ?",
                    other + "/data-0"));
            kafka.send(Topics.SYNTHETIC_DATA_REQUESTED, other, request(other, 4));
            await().atMost(Duration.ofSeconds(60)).until(() -> requests.find(other + "/data-0").isPresent());
            assertThat(state(slow + "/data-0")).isEqualTo("claimed");
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> state(slow + "/data-0").equals("produced")
                && state(other + "/data-0").equals("produced"));
        assertThat(sampler.callsFor(slow + "/data-0")).extracting(ScriptedSampler.Call::inTransaction).containsOnly(false);
    }

    @Test
    void aShardSampledTwiceAfterALapsedLeaseIsStoredAndAnnouncedOnce() throws Exception {
        String runId = "run-dup-" + UUID.randomUUID();
        String requestId = runId + "/data-0";
        CountDownLatch entered1 = new CountDownLatch(1);
        CountDownLatch release1 = new CountDownLatch(1);
        CountDownLatch entered3 = new CountDownLatch(1);
        CountDownLatch release3 = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        generator.stop();   // the workers here (as if of three replicas) are driven by the test
        try {
            kafka.send(Topics.SYNTHETIC_DATA_REQUESTED, runId, request(runId, 8));   // two shards
            await().atMost(Duration.ofSeconds(60)).until(() -> requests.find(requestId).isPresent());

            // worker 1 claims the request and hangs while sampling shard 0; its lease runs out
            sampler.gates.put(requestId, new CountDownLatch[] {entered1, release1});
            Future<SyntheticDataGenerator.Outcome> worker1 = threads.submit(generator::produceNext);
            assertThat(entered1.await(2, TimeUnit.MINUTES)).isTrue();
            jdbc.update("UPDATE synthetic_request SET claimed_until = now() - interval '1 second' WHERE request_id = ?",
                    requestId);
            // worker 2 takes the request over and produces shard 0
            assertThat(anotherWorker().produceNext()).isEqualTo(SyntheticDataGenerator.Outcome.PRODUCED);
            assertThat(requests.find(requestId).orElseThrow().attempts()).as("a fresh count for shard 1").isZero();
            // worker 3 claims shard 1 and is sampling it when worker 1 comes back
            sampler.gates.put(requestId, new CountDownLatch[] {entered3, release3});
            Future<SyntheticDataGenerator.Outcome> worker3 = threads.submit(() -> anotherWorker().produceNext());
            assertThat(entered3.await(2, TimeUnit.MINUTES)).isTrue();

            release1.countDown();
            assertThat(worker1.get(2, TimeUnit.MINUTES)).as("worker 1 finds its claim gone and records nothing")
                    .isEqualTo(SyntheticDataGenerator.Outcome.CLAIM_LOST);
            assertThat(state(requestId)).as("worker 3's claim is untouched").isEqualTo("claimed");

            release3.countDown();
            assertThat(worker3.get(2, TimeUnit.MINUTES)).isEqualTo(SyntheticDataGenerator.Outcome.PRODUCED);
        } finally {
            release1.countDown();
            release3.countDown();
            threads.shutdownNow();
            generator.start();
        }
        assertThat(sampler.callsFor(requestId)).hasSize(3);
        assertThat(jdbc.queryForList("SELECT shard_index FROM synthetic_shard WHERE request_id = ? ORDER BY shard_index",
                Integer.class, requestId)).containsExactly(0, 1);
        assertThat(shardEventsFor(runId)).extracting(e -> e.getSyntheticShardProduced().getShardIndex())
                .containsExactly(0, 1);
        assertThat(state(requestId)).isEqualTo("produced");
    }

    /** A generator as another replica runs it: same database and blob store, its own worker id. */
    SyntheticDataGenerator anotherWorker() {
        return new SyntheticDataGenerator(requests, registry, sampler, blobs, outbox, tx, properties);
    }
}
