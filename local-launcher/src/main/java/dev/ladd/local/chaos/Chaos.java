package dev.ladd.local.chaos;

import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.local.LocalPlatform;
import dev.ladd.local.ServiceSpec;

import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A chaos session on a started platform: runs the scenarios one at a time and checks the invariants after each. */
public final class Chaos {

    /** One checked invariant of one scenario: a row of the report. */
    public record Check(String scenario, String invariant, String expected, String observed, boolean ok) {
    }

    static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(6);
    /** After a part of the image path is back, answers may still fail this long (connections re-made, JIT). */
    static final Duration GRACE = Duration.ofSeconds(3);

    final LocalPlatform platform;
    final Probes probes;
    final SteadyClient client;
    final ChaosOptions options;
    final PrintStream out;
    String promoted;
    private String baselineSha;
    private int poisonsSent;

    Chaos(LocalPlatform platform, SteadyClient client, ChaosOptions options, PrintStream out) {
        this.platform = platform;
        this.probes = new Probes(platform);
        this.client = client;
        this.options = options;
        this.out = out;
    }

    /** Runs a scenario: starts a run of the chaos config, injects the fault, waits, and checks the invariants. */
    List<Check> run(Scenario scenario) throws Exception {
        out.printf("%n--- %s: %s%n", scenario.name(), scenario.what());
        Map<String, Long> deadLettersBefore = deadLettersByConsumer();
        Instant started = Instant.now();
        Scenario.Run run = new Scenario.Run(startRun());
        out.println("    run " + run.runId);
        List<Check> checks = new ArrayList<>();
        try {
            scenario.fault().inject(this, run);
        } catch (Exception e) {
            checks.add(new Check(scenario.name(), "fault injected", "yes", "no: " + e.getMessage(), false));
        }
        if (scenario.name().equals("poison")) {
            poisonsSent += Scenarios.POISON.size();
            // one dead letter per consumer group reading a poisoned topic (ladd.checkpoint.published has two)
            run.expectedDeadLetters = Probes.INPUTS.values().stream()
                    .mapToInt(topics -> (int) topics.stream().filter(Scenarios.POISON::containsKey).count()).sum();
        }
        boolean settled = awaitSettled(run);
        Instant ended = Instant.now();
        checks.addAll(checks(scenario, run, settled, started, ended, deadLettersBefore));
        if (run.undo != null) {
            run.undo.run();
        }
        run.notes.forEach(note -> out.println("    " + note));
        return checks;
    }

    String startRun() throws Exception {
        HttpResponse<String> response = probes.gateway("POST", "/api/v1/runs", options.runConfig());
        if (response == null || response.statusCode() != 202) {
            throw new IllegalStateException("the gateway did not accept the run: "
                    + (response == null ? "no answer" : response.statusCode() + " " + response.body()));
        }
        Matcher id = Pattern.compile("\"runId\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
        if (!id.find()) {
            throw new IllegalStateException("no runId in " + response.body());
        }
        return id.group(1);
    }

    /** Waits until the service (process id) is running and ready again; the window of the fault ends then. */
    void awaitBack(String serviceId, Scenario.Run run) throws Exception {
        ServiceSpec spec = probes.service(serviceId);
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        Thread.sleep(500);
        while (Instant.now().isBefore(deadline) && !(platform.isRunning(serviceId) && probes.ready(spec))) {
            Thread.sleep(250);
        }
        run.windowEnd = Instant.now();
        run.notes.add(serviceId + " back (ready) " + Duration.between(run.windowStart, run.windowEnd).toMillis() / 1000.0
                + " s after the fault");
    }

    /**
     * Waits until the run has ended and everything it caused has settled: every checkpoint scored in both passes (or
     * refused), no outbox row unsent, no consumer behind. False when that did not happen within the timeout.
     */
    boolean awaitSettled(Scenario.Run run) throws Exception {
        Instant deadline = Instant.now().plus(SETTLE_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            try {
                if (settled(run)) {
                    return true;
                }
            } catch (Exception e) {
                // PostgreSQL or Kafka still coming back
            }
            Thread.sleep(1000);
        }
        return false;
    }

    private boolean settled(Scenario.Run run) throws Exception {
        String state = probes.value("select state from trainer.run where run_id = ?", run.runId).orElse("");
        if (!Set.of("completed", "failed", "cancelled").contains(state)) {
            return false;
        }
        long checkpoints = probes.count("select count(*) from trainer.checkpoint where run_id = ?", run.runId);
        long done = probes.count("select count(*) from eval.checkpoint where run_id = ? and (state = 'refused' or"
                + " full_scored_at is not null)", run.runId);
        long gatewayScored = probes.count("select count(*) from gateway.checkpoint where run_id = ?", run.runId);
        return done == checkpoints && gatewayScored == checkpoints && probes.unsentEvents() == 0
                && probes.consumerLag().values().stream().allMatch(lag -> lag <= 1);
    }

    private long deadLetters() {
        return deadLettersByConsumer().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Records on each consumer's dead-letter topic, by "group topic". */
    private Map<String, Long> deadLettersByConsumer() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (Map.Entry<String, List<String>> group : Probes.INPUTS.entrySet()) {
            for (String topic : group.getValue()) {
                counts.put(group.getKey().replace("-service", "") + " " + topic,
                        (long) probes.events(dev.ladd.events.Topics.deadLetter(topic, group.getKey())).size());
            }
        }
        return counts;
    }

    /** Rows a poison event (empty ids) would have made, had a consumer applied it. */
    private long rowsFromPoison() throws Exception {
        return probes.count("select (select count(*) from trainer.run where run_id = '')"
                + " + (select count(*) from teacher.synthetic_request where run_id = '' or request_id = '')"
                + " + (select count(*) from eval.checkpoint where checkpoint_id = '' or run_id = '')"
                + " + (select count(*) from gateway.run_view where run_id = '')"
                + " + (select count(*) from gateway.checkpoint where checkpoint_id = '' or run_id = '')"
                + " + (select count(*) from gateway.serving_status where alias = '' or checkpoint_id = '')"
                + " + (select count(*) from inference.serving_desired where alias = '' or checkpoint_id = '')");
    }

    private List<Check> checks(Scenario scenario, Scenario.Run run, boolean settled, Instant started, Instant ended,
                               Map<String, Long> deadLettersBefore) throws Exception {
        String s = scenario.name();
        String id = run.runId;
        List<Check> checks = new ArrayList<>();
        int expectedCheckpoints = options.iterations() / options.checkpointInterval();
        int expectedShards = options.requestsPerRun() * Math.max(1, options.samplesPerRequest() / options.shardSize());

        checks.add(new Check(s, "settled (run ended, scored, outboxes empty, no lag)", "within "
                + SETTLE_TIMEOUT.toMinutes() + " min", settled ? "yes" : "no", settled));
        String state = probes.value("select state from trainer.run where run_id = ?", id).orElse("?");
        checks.add(new Check(s, "run state", "completed", state, state.equals("completed")));

        long shards = probes.count("select count(*) from trainer.synthetic_shard where run_id = ?", id);
        long distinctShards = probes.count("select count(distinct sha256) from trainer.synthetic_shard where run_id = ?", id);
        checks.add(new Check(s, "shards received (distinct)", expectedShards + " (" + expectedShards + ")",
                shards + " (" + distinctShards + ")", shards == expectedShards && distinctShards == expectedShards));

        long trainerCheckpoints = probes.count("select count(*) from trainer.checkpoint where run_id = ?", id);
        long evalCheckpoints = probes.count("select count(*) from eval.checkpoint where run_id = ?", id);
        long gatewayCheckpoints = probes.count("select count(*) from gateway.checkpoint where run_id = ?", id);
        checks.add(new Check(s, "checkpoints trainer/eval/gateway", expectedCheckpoints + "/" + expectedCheckpoints + "/"
                + expectedCheckpoints, trainerCheckpoints + "/" + evalCheckpoints + "/" + gatewayCheckpoints,
                trainerCheckpoints == expectedCheckpoints && evalCheckpoints == expectedCheckpoints
                        && gatewayCheckpoints == expectedCheckpoints));

        long published = probes.events(dev.ladd.events.Topics.CHECKPOINTS).stream()
                .filter(e -> e != null && e.hasCheckpointPublished() && id.equals(e.getCorrelationId()))
                .map(EventEnvelope::getEventId).distinct().count();
        checks.add(new Check(s, "CheckpointPublished events (distinct ids)", String.valueOf(expectedCheckpoints),
                String.valueOf(published), published == expectedCheckpoints));

        int refusedExpected = run.corruptCheckpoint != null && s.equals("corrupt-for-eval") ? 1 : 0;
        long quick = probes.count("select count(*) from eval.checkpoint where run_id = ? and quick_scored_at is not null", id);
        long full = probes.count("select count(*) from eval.checkpoint where run_id = ? and full_scored_at is not null", id);
        long refused = probes.count("select count(*) from eval.checkpoint where run_id = ? and state = 'refused'", id);
        long scorePasses = probes.count("select count(*) from (select distinct checkpoint_id, pass from eval.checkpoint_score"
                + " where checkpoint_id in (select checkpoint_id from eval.checkpoint where run_id = ?)) p", id);
        long scoredEvents = probes.events(dev.ladd.events.Topics.CHECKPOINT_SCORES).stream()
                .filter(e -> e != null && e.hasCheckpointScored() && id.equals(e.getCorrelationId()))
                .map(EventEnvelope::getEventId).distinct().count();
        long scored = expectedCheckpoints - refusedExpected;
        checks.add(new Check(s, "scored quick/full/refused; score passes", scored + "/" + scored + "/" + refusedExpected
                + "; " + 2 * scored, quick + "/" + full + "/" + refused + "; " + scorePasses,
                quick == scored && full == scored && refused == refusedExpected && scorePasses == 2 * scored));
        checks.add(new Check(s, "CheckpointScored events (distinct ids: one per pass, one per refusal)",
                String.valueOf(2 * scored + refusedExpected), String.valueOf(scoredEvents),
                scoredEvents == 2 * scored + refusedExpected));

        long unsent = probes.unsentEvents();
        checks.add(new Check(s, "outbox rows unsent (all schemas)", "0", String.valueOf(unsent), unsent == 0));
        long lag = probes.consumerLag().values().stream().mapToLong(Long::longValue).filter(l -> l > 1).count();
        checks.add(new Check(s, "consumer groups behind their topics", "0", String.valueOf(lag), lag == 0));
        Map<String, Long> newDeadLetters = new java.util.TreeMap<>();
        deadLettersByConsumer().forEach((consumer, n) -> {
            long added = n - deadLettersBefore.getOrDefault(consumer, 0L);
            if (added != 0) {
                newDeadLetters.put(consumer, added);
            }
        });
        long deadLetters = newDeadLetters.values().stream().mapToLong(Long::longValue).sum();
        if (s.equals("poison")) {
            // a consumer may dead-letter a poison event or log it and skip it: either way it is not applied and
            // does not hold up what follows (the lag above); at most one dead letter per consumer and poison
            checks.add(new Check(s, "poison events dead-lettered (the others skipped)", "at most "
                    + run.expectedDeadLetters, deadLetters + " " + newDeadLetters.keySet(),
                    deadLetters <= run.expectedDeadLetters && newDeadLetters.values().stream().allMatch(n -> n == 1)));
            long applied = rowsFromPoison();
            checks.add(new Check(s, "rows made from a poison event (empty ids)", "0", String.valueOf(applied), applied == 0));
        } else {
            checks.add(new Check(s, "new dead letters", "0", deadLetters + (newDeadLetters.isEmpty() ? ""
                    : " " + newDeadLetters), deadLetters == 0));
        }

        Optional<String> finalSha = probes.value("select weights_sha256 from trainer.checkpoint where run_id = ? and final", id);
        if (s.equals("baseline")) {
            baselineSha = finalSha.orElse(null);
        }
        String blobSha = "-";
        if (finalSha.isPresent() && !s.equals("corrupt-for-inference")) {
            blobSha = probes.blob(finalSha.get()).map(p -> {
                try {
                    return Probes.sha256(p);
                } catch (Exception e) {
                    return "unreadable";
                }
            }).orElse("missing");
        }
        String observedSha = finalSha.map(sha -> sha.substring(0, 16)).orElse("none");
        boolean sameWeights = finalSha.isPresent() && finalSha.get().equals(baselineSha)
                && (s.equals("corrupt-for-inference") || blobSha.equals(finalSha.get()));
        checks.add(new Check(s, "final weights sha256 (blob = record)", baselineSha == null ? "the baseline's"
                : baselineSha.substring(0, 16), observedSha + (blobSha.equals(finalSha.orElse("")) ? " (blob ok)"
                : s.equals("corrupt-for-inference") ? " (blob corrupted on purpose)" : " (blob " + blobSha + ")"),
                sameWeights));

        if (s.equals("trainer-scale-out")) {
            int replicas = options.trainerReplicas();
            checks.add(new Check(s, "most runs trained at once (one per replica)", String.valueOf(Math.min(replicas, 3)),
                    String.valueOf(run.mostRunsTrainingAtOnce), run.mostRunsTrainingAtOnce == Math.min(replicas, 3)));
            for (String other : run.otherRuns) {
                String otherState = probes.value("select state from trainer.run where run_id = ?", other).orElse("?");
                Optional<String> otherSha = probes.value("select weights_sha256 from trainer.checkpoint where run_id = ?"
                        + " and final", other);
                checks.add(new Check(s, "a run beside it: state, final weights", "completed, " + (baselineSha == null
                        ? "the baseline's" : baselineSha.substring(0, 16)), otherState + ", "
                        + otherSha.map(x -> x.substring(0, 16)).orElse("none"), otherState.equals("completed")
                        && otherSha.isPresent() && otherSha.get().equals(baselineSha)));
            }
        }
        checks.add(inboxCheck(s, id));
        checks.addAll(servingChecks(s, run));
        checks.addAll(clientChecks(scenario, run, started, ended));

        List<String> down = new ArrayList<>();
        for (ServiceSpec spec : probes.services()) {
            if (!platform.isRunning(spec.id()) || !probes.ready(spec)) {
                down.add(spec.id());
            }
        }
        checks.add(new Check(s, "services running and ready, no manual step", "all", down.isEmpty() ? "all"
                : "not: " + String.join(", ", down), down.isEmpty()));
        return checks;
    }

    /**
     * No event lost: every event of this run on a topic a service consumes (the run's id as correlation id) is in
     * that service's inbox (processed_event), once (the inbox's key).
     */
    private Check inboxCheck(String s, String runId) throws Exception {
        long onTopics = 0;
        long inInboxes = 0;
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, List<String>> group : Probes.INPUTS.entrySet()) {
            String schema = group.getKey().replace("-service", "");
            Set<String> ids = new HashSet<>();
            for (String topic : group.getValue()) {
                probes.events(topic).stream().filter(e -> e != null && runId.equals(e.getCorrelationId()))
                        .map(EventEnvelope::getEventId).forEach(ids::add);
            }
            if (ids.isEmpty()) {
                continue;
            }
            long found = probes.count("select count(*) from " + schema + ".processed_event where event_id = any(?)",
                    (Object) ids.toArray(String[]::new));
            onTopics += ids.size();
            inInboxes += found;
            if (found != ids.size()) {
                missing.add(group.getKey() + " " + (ids.size() - found));
            }
        }
        return new Check(s, "run's consumed events in the consumer's inbox", onTopics + " of " + onTopics,
                inInboxes + " of " + onTopics + (missing.isEmpty() ? "" : " missing: " + missing), missing.isEmpty());
    }

    /** What each inference replica serves on alias default, and that the client saw only promoted checkpoints. */
    private List<Check> servingChecks(String s, Scenario.Run run) throws Exception {
        List<Check> checks = new ArrayList<>();
        String desired = run.expectedServed != null ? run.expectedServed
                : probes.value("select checkpoint_id from gateway.serving_alias where alias = 'default'").orElse("?");
        List<String> served = served();
        // the replicas follow serving_desired every few seconds: give a promotion a moment to reach them all
        for (int i = 0; i < 30 && !served.stream().allMatch(desired::equals); i++) {
            Thread.sleep(1000);
            served = served();
        }
        boolean allDesired = served.stream().allMatch(desired::equals);
        checks.add(new Check(s, "every inference replica serves alias default's model", desired.length() > 30
                ? "…" + desired.substring(desired.length() - 30) : desired, served.stream().map(c -> c.equals(desired)
                ? "same" : c).toList().toString(), allDesired));
        if (run.corruptCheckpoint != null && s.equals("corrupt-for-inference")) {
            checks.add(new Check(s, "the corrupt checkpoint served by", "no replica",
                    served.contains(run.corruptCheckpoint) ? "a replica" : "no replica",
                    !served.contains(run.corruptCheckpoint)));
        }
        return checks;
    }

    /** The checkpoint each inference replica serves on alias default ("?" when it does not answer). */
    private List<String> served() throws Exception {
        List<String> served = new ArrayList<>();
        for (ServiceSpec spec : probes.services()) {
            if (spec.name().equals("inference-service")) {
                HttpResponse<String> response = probes.internal(spec, "/api/v1/serving");
                Matcher m = Pattern.compile("\"alias\"\\s*:\\s*\"default\"[^}]*?\"checkpointId\"\\s*:\\s*\"([^\"]+)\"")
                        .matcher(response == null ? "" : response.body());
                served.add(m.find() ? m.group(1) : "?");
            }
        }
        return served;
    }

    private List<Check> clientChecks(Scenario scenario, Scenario.Run run, Instant from, Instant to) throws Exception {
        String s = scenario.name();
        List<SteadyClient.Result> results = client.between(from, to);
        Set<String> promoted = new HashSet<>(probes.column("select to_checkpoint_id from gateway.serving_audit"));
        long ok = results.stream().filter(SteadyClient.Result::ok).count();
        long fiveHundreds = results.stream().filter(r -> r.status() == 500).count();
        Instant windowFrom = run.windowStart == null ? Instant.MAX : run.windowStart;
        Instant windowTo = run.windowEnd == null ? Instant.MAX : run.windowEnd.plus(GRACE);
        boolean ownPath = !scenario.imagePath().isEmpty();
        // a request is in the window when it was in flight at some moment of it: answered after the fault began,
        // sent before the part was back (plus a grace for connections to be made again)
        long failedOutside = results.stream().filter(r -> !r.ok())
                .filter(r -> !ownPath || r.done().isBefore(windowFrom) || r.sent().isAfter(windowTo)).count();
        long failedInside = results.stream().filter(r -> !r.ok()).count() - failedOutside;
        Set<String> unpromoted = new HashSet<>();
        results.stream().filter(SteadyClient.Result::ok).map(SteadyClient.Result::checkpointId)
                .filter(c -> c == null || !promoted.contains(c)).forEach(c -> unpromoted.add(String.valueOf(c)));
        List<Check> checks = new ArrayList<>();
        checks.add(new Check(s, "image requests ok / sent", "all but the window's", ok + " / " + results.size(),
                true));
        checks.add(new Check(s, "image requests failed outside " + (ownPath ? "the outage of their path" : "any window"),
                "0", failedOutside + (ownPath ? " (" + failedInside + " inside the window)" : ""), failedOutside == 0));
        checks.add(new Check(s, "image answers with HTTP 500", "0", String.valueOf(fiveHundreds), fiveHundreds == 0));
        checks.add(new Check(s, "images from a checkpoint never promoted", "0", unpromoted.isEmpty() ? "0"
                : unpromoted.toString(), unpromoted.isEmpty()));
        return checks;
    }

    int poisonsSent() {
        return poisonsSent;
    }
}
