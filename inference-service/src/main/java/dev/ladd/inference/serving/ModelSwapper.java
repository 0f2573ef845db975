package dev.ladd.inference.serving;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.ModelServing;
import dev.ladd.events.v1.ModelSwapFailed;
import dev.ladd.inference.InferenceProperties;
import dev.ladd.inference.model.ModelLoadException;
import dev.ladd.inference.model.ModelLoader;
import dev.ladd.inference.model.ServedModel;
import dev.ladd.inference.model.ServingModels;
import dev.ladd.platform.events.Outbox;
import dev.ladd.platform.worker.BackgroundWorker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The swap worker: one background thread that makes this replica serve what {@code serving_desired} names. It
 * compares the desired revision of every alias with the served one on start, whenever this replica consumed a
 * change ({@link #wakeUp()}) and every {@code ladd.inference.swap.poll-interval} (changes consumed by another
 * replica of the group reach this one through PostgreSQL). A swap: {@link ModelLoader} fetches, verifies, loads,
 * warms up and smoke-tests the new model; only then does {@link ServingModels#swapIn} replace the old one, which
 * finishes its running batch and is freed. {@code ModelServing} announces the new model; if any step fails the
 * old model keeps serving and {@code ModelSwapFailed} says why. A revision that failed for a passing reason (a blob
 * that could not be read) is tried again after {@code ladd.inference.swap.retry-delay}, doubled after each further
 * failure up to {@code max-retry-delay}, so that replicas do not stay on different models; one that failed for its
 * own fault (corrupt, does not load, fails the smoke test) is not tried again, the alias's next revision is.
 */
@Component
public class ModelSwapper extends BackgroundWorker {

    private static final Logger log = LoggerFactory.getLogger(ModelSwapper.class);

    private final DesiredModelRepository desired;
    private final ModelLoader loader;
    private final ServingModels models;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final InferenceProperties properties;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<String, SwapFailure> failures = new ConcurrentHashMap<>();
    private final MultiGauge servedRevision;
    private boolean warmedUp;   // only the worker thread reads and writes it

    ModelSwapper(DesiredModelRepository desired, ModelLoader loader, ServingModels models, Outbox outbox,
                 TransactionTemplate tx, InferenceProperties properties, MeterRegistry meters, Clock clock) {
        super("ladd-inference-swapper", "ladd.inference.swap.enabled");
        this.desired = desired;
        this.loader = loader;
        this.models = models;
        this.outbox = outbox;
        this.tx = tx;
        this.properties = properties;
        this.meters = meters;
        this.clock = clock;
        this.servedRevision = MultiGauge.builder("ladd.inference.model.revision")
                .description("revision of the model each alias serves on this replica (tags: alias, checkpoint)")
                .register(meters);
    }

    /** The last failed swap of the alias on this replica, if the alias's last attempt failed. */
    public Optional<SwapFailure> lastFailure(String alias) {
        return Optional.ofNullable(failures.get(alias));
    }

    public String replicaId() {
        return properties.replicaId();
    }

    @Override
    protected boolean enabled() {
        return properties.swap().enabled();
    }

    @Override
    protected Duration pollInterval() {
        return properties.swap().pollInterval();
    }

    /** Compares once, then waits for a wake-up ({@link #wakeUp()}: a consumed change was committed) or a poll interval. */
    @Override
    protected boolean workOnce() {
        if (!warmedUp) {
            warmUpUnlessAModelIsDesired();
            warmedUp = true;
        }
        reconcile();
        return false;
    }

    /**
     * On start, while the service still starts around it: a replica with nothing to serve yet (a fresh platform, whose
     * first model arrives a few seconds later) pays libtorch's one-time costs now ({@link ModelLoader#warmUp}); one
     * with a desired model pays them loading it.
     */
    private void warmUpUnlessAModelIsDesired() {
        if (!desired.list().isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        try {
            ModelLoader.warmUp(clock);
            log.info("libtorch warmed up with a tiny model in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (ModelLoadException | RuntimeException e) {
            log.warn("warming libtorch up failed ({}); the first swap pays its set-up instead", e.getMessage());
        }
    }

    /** Swaps every alias whose desired revision is newer than the one served, unless it failed and is not due again. */
    void reconcile() {
        for (DesiredModel d : desired.list()) {
            if (!keepGoing()) {
                return;
            }
            long served = models.current(d.alias()).map(ServedModel::revision).orElse(0L);
            SwapFailure failed = failures.get(d.alias());
            if (d.revision() <= served || (failed != null && d.revision() < failed.revision())
                    || (failed != null && d.revision() == failed.revision() && !due(failed))) {
                continue;
            }
            swap(d);
        }
    }

    private boolean due(SwapFailure failed) {
        return failed.retryAt() != null && !clock.instant().isBefore(failed.retryAt());
    }

    private void swap(DesiredModel d) {
        log.info("alias '{}': loading checkpoint {} (revision {})", d.alias(), d.checkpointId(), d.revision());
        long start = System.nanoTime();
        ServedModel model;
        try {
            model = loader.load(d);
        } catch (ModelLoadException | RuntimeException e) {
            failed(d, e.getMessage() == null ? e.toString() : e.getMessage(),
                    e instanceof ModelLoadException m && m.isTransient());
            return;
        }
        models.swapIn(model);
        failures.remove(d.alias());
        updateRevisionGauge();
        meters.counter("ladd.inference.swaps", "alias", d.alias(), "outcome", "success").increment();
        log.info("alias '{}' now serves checkpoint {} (revision {}), ready in {} ms", d.alias(), d.checkpointId(),
                d.revision(), (System.nanoTime() - start) / 1_000_000);
        publish(d.alias(), EventEnvelope.newBuilder().setModelServing(ModelServing.newBuilder().setAlias(d.alias())
                .setCheckpointId(d.checkpointId()).setRevision(d.revision()).setReplica(properties.replicaId())));
    }

    private void failed(DesiredModel d, String reason, boolean passing) {
        String still = models.current(d.alias()).map(ServedModel::checkpointId).orElse("");
        SwapFailure before = failures.get(d.alias());
        int attempts = before != null && before.revision() == d.revision() ? before.attempts() + 1 : 1;
        Duration wait = passing ? properties.swap().retryAfter(attempts) : null;
        failures.put(d.alias(), new SwapFailure(d.checkpointId(), d.revision(), reason, still.isEmpty() ? null : still,
                clock.instant(), attempts, wait == null ? null : clock.instant().plus(wait)));
        meters.counter("ladd.inference.swaps", "alias", d.alias(), "outcome", "failure").increment();
        log.warn("alias '{}': checkpoint {} (revision {}) is not served (attempt {}): {}; still serving {}; {}", d.alias(),
                d.checkpointId(), d.revision(), attempts, reason, still.isEmpty() ? "nothing" : still,
                wait == null ? "not retried (the checkpoint itself is at fault)" : "retrying in " + wait.toMillis() + " ms");
        if (before != null && before.revision() == d.revision() && before.reason().equals(reason)) {
            return; // said once: a retry that fails the same way adds no news to the serving status topic
        }
        publish(d.alias(), EventEnvelope.newBuilder().setModelSwapFailed(ModelSwapFailed.newBuilder().setAlias(d.alias())
                .setCheckpointId(d.checkpointId()).setRevision(d.revision()).setReplica(properties.replicaId())
                .setReason(reason).setStillServingCheckpointId(still)));
    }

    private void publish(String alias, EventEnvelope.Builder payload) {
        tx.executeWithoutResult(status -> outbox.publish(Topics.SERVING_STATUS, alias, alias, payload));
    }

    private void updateRevisionGauge() {
        List<MultiGauge.Row<?>> rows = models.all().stream()
                .<MultiGauge.Row<?>>map(m -> MultiGauge.Row.of(Tags.of("alias", m.alias(), "checkpoint", m.checkpointId()),
                        m.revision()))
                .toList();
        servedRevision.register(rows, true);
    }
}
