package dev.ladd.inference.serving;

import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.ServingDesired;
import dev.ladd.ml.blob.BlobId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.List;
import java.util.Optional;

/**
 * Follows the compacted serving-desired topic: remembers, per alias, the newest revision of the model
 * to serve. A stale revision (arriving late or replayed) never overrides a newer one. The swap itself
 * happens on the {@link ModelSwapper}'s thread, woken after the commit: never in the Kafka listener.
 */
@Service
public class ServingDesiredService {

    private static final Logger log = LoggerFactory.getLogger(ServingDesiredService.class);

    private final DesiredModelRepository desired;
    private final ModelSwapper swapper;

    public ServingDesiredService(DesiredModelRepository desired, ModelSwapper swapper) {
        this.desired = desired;
        this.swapper = swapper;
    }

    public void handle(EventEnvelope event) {
        if (event.getPayloadCase() != EventEnvelope.PayloadCase.SERVING_DESIRED) {
            log.debug("inference-service ignores {} events", event.getType());
            return;
        }
        ServingDesired d = event.getServingDesired();
        if (d.getAlias().isBlank() || d.getCheckpointId().isBlank() || d.getRevision() < 1) {
            throw new IllegalArgumentException("ServingDesired needs an alias, a checkpoint_id and a revision >= 1");
        }
        check("weights", d.getStudent().getWeights(), true);
        check("manifest", d.getStudent().getManifest(), true);
        check("autoencoder_weights", d.getAutoencoder().getWeights(), false);
        check("autoencoder_manifest", d.getAutoencoder().getManifest(), false);
        if (desired.upsertIfNewer(d)) {
            log.info("alias '{}' should now serve checkpoint {} (revision {})", d.getAlias(), d.getCheckpointId(), d.getRevision());
            if (TransactionSynchronizationManager.isSynchronizationActive()) {
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        swapper.wakeUp();
                    }
                });
            } else {
                swapper.wakeUp();
            }
        } else {
            log.info("ignoring revision {} of alias '{}': a newer one is known", d.getRevision(), d.getAlias());
        }
    }

    /** A claim check that is no sha256 makes the record poison (dead-lettered); an absent optional one is allowed. */
    private static void check(String field, BlobRef ref, boolean required) {
        if (ref.getSha256().isEmpty() && !required) {
            return;
        }
        try {
            new BlobId(ref.getSha256(), ref.getSizeBytes());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ServingDesired." + field + ": " + e.getMessage(), e);
        }
    }

    public Optional<DesiredModel> find(String alias) {
        return desired.find(alias);
    }

    public List<DesiredModel> list() {
        return desired.list();
    }
}
