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
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The swap worker: one background thread that makes this replica serve what {@code serving_desired} names. It
 * compares the desired revision of every alias with the served one on start, whenever this replica consumed a
 * change ({@link #wakeUp()}) and every {@code ladd.inference.swap.poll-interval} (changes consumed by another
 * replica of the group reach this one through PostgreSQL). A swap: {@link ModelLoader} fetches, verifies, loads,
 * warms up and smoke-tests the new model; only then does {@link ServingModels#swapIn} replace the old one, which
 * finishes its running batch and is freed. {@code ModelServing} announces the new model; if any step fails the
 * old model keeps serving and {@code ModelSwapFailed} says why. A failed revision is not tried again; the next
 * revision of the alias is.
 */
@Component
public class ModelSwapper implements SmartLifecycle {

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
    private final Semaphore wakeUps = new Semaphore(0);
    private final MultiGauge servedRevision;
    private volatile boolean running;
    private Thread worker;

    ModelSwapper(DesiredModelRepository desired, ModelLoader loader, ServingModels models, Outbox outbox,
                 TransactionTemplate tx, InferenceProperties properties, MeterRegistry meters, Clock clock) {
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

    /** Asks for a comparison soon (after a consumed change was committed). */
    public void wakeUp() {
        wakeUps.release();
    }

    /** The last failed swap of the alias on this replica, if the alias's last attempt failed. */
    public Optional<SwapFailure> lastFailure(String alias) {
        return Optional.ofNullable(failures.get(alias));
    }

    public String replicaId() {
        return properties.replicaId();
    }

    @Override
    public void start() {
        if (!properties.swap().enabled()) {
            log.info("model loading is disabled on this instance (ladd.inference.swap.enabled=false)");
            return;
        }
        running = true;
        worker = new Thread(this::work, "ladd-inference-swapper");
        worker.setDaemon(true);
        worker.start();
    }

    private void work() {
        while (running) {
            try {
                reconcile();
                wakeUps.tryAcquire(properties.swap().pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                wakeUps.drainPermits();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("swap worker: {}; trying again in {}", e.toString(), properties.swap().pollInterval());
                try {
                    Thread.sleep(properties.swap().pollInterval().toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Swaps every alias whose desired revision is newer than the one served and not already failed. */
    void reconcile() {
        for (DesiredModel d : desired.list()) {
            if (!running) {
                return;
            }
            long served = models.current(d.alias()).map(ServedModel::revision).orElse(0L);
            SwapFailure failed = failures.get(d.alias());
            if (d.revision() <= served || (failed != null && d.revision() <= failed.revision())) {
                continue;
            }
            swap(d);
        }
    }

    private void swap(DesiredModel d) {
        log.info("alias '{}': loading checkpoint {} (revision {})", d.alias(), d.checkpointId(), d.revision());
        long start = System.nanoTime();
        ServedModel model;
        try {
            model = loader.load(d);
        } catch (ModelLoadException | RuntimeException e) {
            failed(d, e.getMessage() == null ? e.toString() : e.getMessage());
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

    private void failed(DesiredModel d, String reason) {
        String still = models.current(d.alias()).map(ServedModel::checkpointId).orElse("");
        failures.put(d.alias(), new SwapFailure(d.checkpointId(), d.revision(), reason, still.isEmpty() ? null : still, clock.instant()));
        meters.counter("ladd.inference.swaps", "alias", d.alias(), "outcome", "failure").increment();
        log.warn("alias '{}': checkpoint {} (revision {}) is not served: {}; still serving {}", d.alias(), d.checkpointId(),
                d.revision(), reason, still.isEmpty() ? "nothing" : still);
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

    @Override
    public void stop() {
        running = false;
        if (worker != null) {
            worker.interrupt();
            try {
                worker.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;   // starts after the database is ready, stops before the web server and Kafka
    }
}
