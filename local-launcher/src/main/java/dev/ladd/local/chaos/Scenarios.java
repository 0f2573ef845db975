package dev.ladd.local.chaos;

import dev.ladd.events.v1.CheckpointPublished;
import dev.ladd.events.v1.CheckpointScored;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.ModelServing;
import dev.ladd.events.v1.RunFinished;
import dev.ladd.events.v1.RunRequested;
import dev.ladd.events.v1.ServingDesired;
import dev.ladd.events.v1.SyntheticDataRequested;
import dev.ladd.events.v1.SyntheticShardProduced;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** The catalogue of scenarios, in the order they run. */
public final class Scenarios {

    static final Duration OUTAGE = Duration.ofSeconds(30);

    private Scenarios() {
    }

    public static Map<String, Scenario> all() {
        Map<String, Scenario> all = new LinkedHashMap<>();
        for (Scenario scenario : List.of(
                new Scenario("baseline", "no fault: the undisturbed run every other one is compared with; its final"
                        + " checkpoint is promoted and must reach every inference replica", Set.of(), Scenarios::promoteFinal),
                new Scenario("kill-teacher", "kill -9 teacher-service while it generates the run's synthetic shards",
                        Set.of(), (c, r) -> killWhen(c, r, "teacher-service", Scenarios::generating)),
                new Scenario("kill-trainer", "kill -9 the trainer process that holds the run, mid-iteration",
                        Set.of(), Scenarios::killTrainer),
                new Scenario("kill-eval", "kill -9 eval-service while it scores the run's first checkpoint",
                        Set.of(), (c, r) -> killWhen(c, r, "eval-service", Scenarios::scoring)),
                new Scenario("kill-inference", "kill -9 inference-service (the first replica) under image traffic",
                        Set.of("inference"), (c, r) -> killWhen(c, r, "inference-service", Scenarios::training)),
                new Scenario("kill-gateway", "kill -9 gateway-service under image traffic", Set.of("gateway"),
                        (c, r) -> killWhen(c, r, "gateway-service", Scenarios::training)),
                new Scenario("trainer-scale-out", "three runs at once on two trainer replicas (one run per replica,"
                        + " the third waits); kill -9 of the replica training this run: another picks it up from its"
                        + " last checkpoint", Set.of(), Scenarios::trainerScaleOut),
                new Scenario("kafka-down", "the Kafka broker stopped for 30 s mid-run, then started again", Set.of(),
                        Scenarios::kafkaDown),
                new Scenario("postgres-down", "PostgreSQL stopped for 30 s mid-run, then started again (the gateway"
                        + " checks API keys and aliases in it: on the image path)", Set.of("postgresql"),
                        Scenarios::postgresDown),
                new Scenario("corrupt-for-eval", "the first checkpoint's weights blob corrupted on disk before eval"
                        + " scores it (eval held down meanwhile)", Set.of(), Scenarios::corruptBeforeEval),
                new Scenario("corrupt-for-inference", "the final checkpoint's weights blob corrupted on disk after it was"
                        + " scored, then promoted: inference must refuse it and keep serving", Set.of(),
                        Scenarios::corruptBeforeInference),
                new Scenario("poison", "a poison event (valid envelope, a payload the consumer rejects) on every input"
                        + " topic, mid-run", Set.of(), Scenarios::poison))) {
            all.put(scenario.name(), scenario);
        }
        return all;
    }

    // -- moments in a run

    @FunctionalInterface
    interface Moment {
        boolean reached(Chaos chaos, Scenario.Run run) throws Exception;
    }

    /** The run asked teacher-service for its data and not all of it has arrived. */
    static boolean generating(Chaos c, Scenario.Run r) throws Exception {
        return c.probes.count("select count(*) from trainer.run where run_id = ? and state = 'waiting-for-data'", r.runId) > 0
                && c.probes.count("select count(*) from trainer.synthetic_shard where run_id = ?", r.runId)
                < (long) c.options.requestsPerRun() * c.options.samplesPerRequest() / c.options.shardSize();
    }

    static boolean training(Chaos c, Scenario.Run r) throws Exception {
        return c.probes.count("select count(*) from trainer.run_metric where run_id = ?", r.runId) >= 2;
    }

    static boolean scoring(Chaos c, Scenario.Run r) throws Exception {
        return c.probes.count("select count(*) from eval.checkpoint where run_id = ? and quick_scored_at is null"
                + " and state = 'pending'", r.runId) > 0;
    }

    private static void await(Chaos c, Scenario.Run r, Moment moment, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (!moment.reached(c, r)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the run " + r.runId + " did not reach the moment to inject within "
                        + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    // -- faults

    private static void killWhen(Chaos c, Scenario.Run r, String service, Moment moment) throws Exception {
        await(c, r, moment, Duration.ofMinutes(5));
        long shards = c.probes.count("select count(*) from trainer.synthetic_shard where run_id = ?", r.runId);
        long iterations = c.probes.count("select count(*) from trainer.run_metric where run_id = ?", r.runId);
        r.windowStart = Instant.now();
        long pid = c.platform.kill(service);
        r.notes.add("killed " + service + " pid " + pid + " (the run had " + shards + " shard(s), " + iterations
                + " iteration(s))");
        c.awaitBack(service, r);
    }

    /**
     * The trainer process training a run: the one whose PostgreSQL session holds the run's advisory lock
     * (platform-support's AdvisoryLocks: hashtext('trainer-service:run:' || run id)); each process names its sessions
     * with its replica id (ApplicationName, set by the launcher).
     */
    static Optional<String> trainerHolding(Chaos c, String runId) throws Exception {
        return c.probes.value("select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid"
                + " where l.locktype = 'advisory' and l.granted and l.objsubid = 1"
                + " and l.objid::text::bigint = (hashtext('trainer-service:run:' || ?)::bigint & 4294967295)", runId);
    }

    /**
     * How many of {@code runs} a trainer holds, in one look at pg_locks: a query per run could count a replica twice
     * while it hands one finished run's lock over for the next (measured: 3 "at once" on 2 replicas).
     */
    static int runsHeld(Chaos c, List<String> runs) throws Exception {
        return (int) c.probes.count("select count(*) from pg_locks l where l.locktype = 'advisory' and l.granted"
                + " and l.objsubid = 1 and l.objid::text::bigint = any(select hashtext('trainer-service:run:' || x)::bigint"
                + " & 4294967295 from unnest(?::text[]) x)", (Object) runs.toArray(String[]::new));
    }

    /** Past the first checkpoint and two iterations into the next: a resume must start from that checkpoint. */
    static boolean pastFirstCheckpoint(Chaos c, Scenario.Run r) throws Exception {
        return c.probes.count("select count(*) from trainer.checkpoint where run_id = ?", r.runId) >= 1
                && c.probes.count("select count(*) from trainer.run_metric where run_id = ?", r.runId)
                >= c.options.checkpointInterval() + 2;
    }

    private static void killTrainer(Chaos c, Scenario.Run r) throws Exception {
        await(c, r, Scenarios::pastFirstCheckpoint, Duration.ofMinutes(5));
        String holder = trainerHolding(c, r.runId).orElse("trainer-service");
        long checkpoints = c.probes.count("select count(*) from trainer.checkpoint where run_id = ?", r.runId);
        long iterations = c.probes.count("select count(*) from trainer.run_metric where run_id = ?", r.runId);
        r.windowStart = Instant.now();
        long pid = c.platform.kill(holder);
        r.notes.add("killed " + holder + " pid " + pid + " after " + iterations + " iterations, " + checkpoints
                + " checkpoint(s)");
        c.awaitBack(holder, r);
    }

    private static void trainerScaleOut(Chaos c, Scenario.Run r) throws Exception {
        r.otherRuns.add(c.startRun());
        r.otherRuns.add(c.startRun());
        List<String> runs = new ArrayList<>(List.of(r.runId));
        runs.addAll(r.otherRuns);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        int most = 0;
        String holder = null;
        while (Instant.now().isBefore(deadline)) {
            int held = runsHeld(c, runs);
            most = Math.max(most, held);
            holder = trainerHolding(c, r.runId).orElse(null);
            if (held >= 2 && holder != null && pastFirstCheckpoint(c, r)) {
                break;
            }
            Thread.sleep(200);
        }
        if (holder == null) {
            throw new IllegalStateException("this run was never held by a trainer replica while another trained");
        }
        long iterations = c.probes.count("select count(*) from trainer.run_metric where run_id = ?", r.runId);
        r.windowStart = Instant.now();
        long pid = c.platform.kill(holder);
        r.notes.add("runs held at once before the kill: " + most + "; killed " + holder + " pid " + pid
                + " training this run after " + iterations + " iteration(s)");
        // the run's next holder (another replica, or the restarted one) and the most runs held at once until all end
        String next = null;
        while (Instant.now().isBefore(deadline.plus(Duration.ofMinutes(5)))) {
            most = Math.max(most, runsHeld(c, runs));
            if (next == null) {
                next = trainerHolding(c, r.runId).orElse(null);
            }
            if (c.probes.count("select count(*) from trainer.run where run_id = any(?) and state in ('completed',"
                    + " 'failed', 'cancelled')", (Object) runs.toArray(String[]::new)) == runs.size()) {
                break;
            }
            Thread.sleep(200);
        }
        r.mostRunsTrainingAtOnce = most;
        r.notes.add("the run was picked up by " + (next == null ? "?" : next) + "; most runs held at once: " + most);
        r.windowEnd = Instant.now();
    }

    private static void kafkaDown(Chaos c, Scenario.Run r) throws Exception {
        await(c, r, Scenarios::training, Duration.ofMinutes(5));
        r.windowStart = Instant.now();
        c.platform.stopKafkaFor(OUTAGE);
        r.notes.add("Kafka stopped at " + r.windowStart);
        Instant deadline = Instant.now().plus(OUTAGE).plusSeconds(120);
        Thread.sleep(OUTAGE.toMillis());
        while (Instant.now().isBefore(deadline)) {
            try {
                c.probes.consumerLag();
                break;
            } catch (Exception e) {
                Thread.sleep(500);
            }
        }
        r.windowEnd = Instant.now();
    }

    private static void postgresDown(Chaos c, Scenario.Run r) throws Exception {
        await(c, r, Scenarios::training, Duration.ofMinutes(5));
        r.windowStart = Instant.now();
        c.platform.stopPostgresFor(OUTAGE);
        r.windowEnd = Instant.now();
        r.notes.add("PostgreSQL down " + Duration.between(r.windowStart, r.windowEnd).toSeconds() + " s");
    }

    private static void corruptBeforeEval(Chaos c, Scenario.Run r) throws Exception {
        c.platform.holdRestart("eval-service", Instant.now().plus(Duration.ofHours(1)));
        r.windowStart = Instant.now();
        c.platform.kill("eval-service");
        await(c, r, (chaos, run) -> chaos.probes.count("select count(*) from trainer.checkpoint where run_id = ?",
                run.runId) > 0, Duration.ofMinutes(5));
        String checkpoint = c.probes.value("select checkpoint_id from trainer.checkpoint where run_id = ? order by step"
                + " limit 1", r.runId).orElseThrow();
        corrupt(c, r, checkpoint);
        c.platform.holdRestart("eval-service", Instant.now());
        c.awaitBack("eval-service", r);
    }

    private static void corruptBeforeInference(Chaos c, Scenario.Run r) throws Exception {
        c.awaitSettled(r);
        String checkpoint = c.probes.value("select checkpoint_id from trainer.checkpoint where run_id = ? and final",
                r.runId).orElseThrow();
        r.expectedServed = c.probes.value("select checkpoint_id from gateway.serving_alias where alias = 'default'")
                .orElseThrow();
        corrupt(c, r, checkpoint);
        var promoted = c.probes.gateway("POST", "/api/v1/serving/default/promote",
                "{\"checkpointId\":\"" + checkpoint + "\",\"reason\":\"chaos: a corrupt blob\"}");
        r.notes.add("promoted the corrupt " + checkpoint + ": HTTP " + (promoted == null ? "-" : promoted.statusCode()));
        Runnable undoBlob = r.undo;
        r.undo = () -> {
            undoBlob.run();
            try {   // as an operator would: back to the model that serves
                var back = c.probes.gateway("POST", "/api/v1/serving/default/rollback", "{\"reason\":\"chaos: undo\"}");
                r.notes.add("rolled alias default back: HTTP " + (back == null ? "-" : back.statusCode()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread.sleep(15_000);   // the replicas poll serving_desired every 5 s: time to try and refuse
        String status = c.probes.value("select status || ': ' || coalesce(reason, '') from gateway.serving_status"
                + " where alias = 'default'").orElse("?");
        r.notes.add("gateway's serving status of alias default: " + (status.length() > 160 ? status.substring(0, 160) + "…" : status));
    }

    private static void corrupt(Chaos c, Scenario.Run r, String checkpoint) throws Exception {
        String sha = c.probes.value("select weights_sha256 from trainer.checkpoint where checkpoint_id = ?", checkpoint)
                .orElseThrow();
        Path blob = c.probes.blob(sha).orElseThrow(() -> new IllegalStateException("no blob " + sha));
        long at = Files.size(blob) / 2;
        flip(blob, at);
        r.undo = () -> {
            try {
                if (!Probes.sha256(blob).equals(sha)) {   // a later put of the same content may have repaired it
                    flip(blob, at);
                }
            } catch (Exception e) {
                r.notes.add("could not undo the corruption of " + blob + ": " + e);
            }
        };
        r.corruptCheckpoint = checkpoint;
        r.notes.add("flipped a byte of " + checkpoint + "'s weights " + blob.getFileName());
    }

    private static void flip(Path file, long at) throws java.io.IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0xFF);
        }
    }

    private static void promoteFinal(Chaos c, Scenario.Run r) throws Exception {
        c.awaitSettled(r);
        String checkpoint = c.probes.value("select checkpoint_id from trainer.checkpoint where run_id = ? and final",
                r.runId).orElseThrow();
        var promoted = c.probes.gateway("POST", "/api/v1/serving/default/promote",
                "{\"checkpointId\":\"" + checkpoint + "\",\"reason\":\"chaos: the baseline's final checkpoint\"}");
        r.notes.add("promoted " + checkpoint + ": HTTP " + (promoted == null ? "-" : promoted.statusCode()));
        c.promoted = checkpoint;
    }

    /** The poison for each input topic: the topic's own payload type, empty (no run id, no blob, no alias). */
    static final Map<String, UnaryOperator<EventEnvelope.Builder>> POISON = Map.of(
            "ladd.run.requested", b -> b.setType("RunRequested").setRunRequested(RunRequested.getDefaultInstance()),
            "ladd.synthetic.requested", b -> b.setType("SyntheticDataRequested")
                    .setSyntheticDataRequested(SyntheticDataRequested.getDefaultInstance()),
            "ladd.synthetic.shards", b -> b.setType("SyntheticShardProduced")
                    .setSyntheticShardProduced(SyntheticShardProduced.getDefaultInstance()),
            "ladd.checkpoint.published", b -> b.setType("CheckpointPublished")
                    .setCheckpointPublished(CheckpointPublished.getDefaultInstance()),
            "ladd.checkpoint.scored", b -> b.setType("CheckpointScored")
                    .setCheckpointScored(CheckpointScored.getDefaultInstance()),
            "ladd.run.lifecycle", b -> b.setType("RunFinished").setRunFinished(RunFinished.getDefaultInstance()),
            "ladd.serving.desired", b -> b.setType("ServingDesired").setServingDesired(ServingDesired.getDefaultInstance()),
            "ladd.serving.status", b -> b.setType("ModelServing").setModelServing(ModelServing.getDefaultInstance()));

    private static void poison(Chaos c, Scenario.Run r) throws Exception {
        await(c, r, Scenarios::training, Duration.ofMinutes(5));
        List<String> topics = new ArrayList<>(POISON.keySet());
        topics.sort(null);
        for (String topic : topics) {
            EventEnvelope event = POISON.get(topic).apply(EventEnvelope.newBuilder()
                    .setEventId("chaos-poison-" + UUID.randomUUID()).setProducer("ladd-chaos")
                    .setCorrelationId("chaos-poison").setSchemaVersion(1)).build();
            c.probes.send(topic, "chaos-poison", event.toByteArray());
        }
        r.notes.add("sent " + topics.size() + " poison events");
    }

}
