package dev.ladd.gateway.serving;

import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.events.v1.ModelPromoted;
import dev.ladd.events.v1.ModelRolledBack;
import dev.ladd.events.v1.ServingDesired;
import dev.ladd.gateway.Problems;
import dev.ladd.gateway.checkpoint.CheckpointRecord;
import dev.ladd.gateway.checkpoint.CheckpointRepository;
import dev.ladd.platform.events.Outbox;
import dev.ladd.platform.web.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;
import java.util.Optional;

/**
 * Promotion and rollback of what an alias serves. Each change, in one transaction: the alias's new desired
 * checkpoint with the next revision, its serving stack, an audit row, and through the outbox
 * {@code ServingDesired} (compacted, key alias: what every inference replica must serve) and
 * {@code ModelPromoted} / {@code ModelRolledBack} (the change, for audit readers).
 */
@Service
public class PromotionService {

    private static final Logger log = LoggerFactory.getLogger(PromotionService.class);

    private final ServingRepository serving;
    private final CheckpointRepository checkpoints;
    private final Outbox outbox;

    public PromotionService(ServingRepository serving, CheckpointRepository checkpoints, Outbox outbox) {
        this.serving = serving;
        this.checkpoints = checkpoints;
        this.outbox = outbox;
    }

    /** Serves {@code checkpointId} on {@code alias}: 404 when unknown, 409 when not scored, refused or served already. */
    @Transactional
    public ServingChange promote(String alias, String checkpointId, String reason, String actor) {
        serving.lock(alias);
        CheckpointRecord checkpoint = checkpoints.find(checkpointId).orElseThrow(() ->
                new NotFoundException("no checkpoint with id '" + checkpointId + "'"));
        switch (checkpoint.scoreState()) {
            case REFUSED -> throw Problems.conflict("checkpoint '" + checkpointId + "' was refused by eval-service ("
                    + checkpoint.refusalReason() + "); it cannot be served");
            case UNSCORED -> throw Problems.conflict("checkpoint '" + checkpointId
                    + "' is not scored yet; only a scored checkpoint can be promoted");
            case SCORED -> {
            }
        }
        if (!checkpoint.published() || checkpoint.autoencoder() == null) {
            throw Problems.conflict("checkpoint '" + checkpointId + "' lacks the claim checks of its weights, manifest "
                    + "or autoencoder (its CheckpointPublished has not arrived, or came from an older trainer)");
        }
        Optional<ServingRepository.Desired> current = serving.desired(alias);
        if (current.isPresent() && current.get().checkpointId().equals(checkpointId)) {
            throw Problems.conflict("alias '" + alias + "' serves checkpoint '" + checkpointId + "' already");
        }
        return push(alias, checkpoint, current, reason, actor);
    }

    /**
     * Serves the committed default student (docs/adr/014) on {@code alias} if that alias has never been promoted (no
     * audit row): a fresh platform's first model. Unlike a promotion by a person or the policy it needs no score
     * (eval-service scores it like any checkpoint); like them it is one audited change with its events. Called with
     * the CheckpointPublished that names the student, in the consumer's transaction.
     *
     * @return the change, or empty when the alias was promoted before (by anyone, at any time) or the checkpoint lacks
     *         a claim check
     */
    @Transactional
    public Optional<ServingChange> promoteDefaultStudent(String alias, String checkpointId, String reason, String actor) {
        serving.lock(alias);
        if (!serving.history(alias, 1).isEmpty()) {
            log.info("alias {} was promoted before; the default student {} is not served on it (promote it as any "
                    + "checkpoint once it is scored)", alias, checkpointId);
            return Optional.empty();
        }
        CheckpointRecord checkpoint = checkpoints.find(checkpointId).orElse(null);
        if (checkpoint == null || !checkpoint.published() || checkpoint.autoencoder() == null) {
            log.warn("the default student {} lacks the claim checks of its weights, manifest or autoencoder; not served",
                    checkpointId);
            return Optional.empty();
        }
        return Optional.of(push(alias, checkpoint, Optional.empty(), reason, actor));
    }

    private ServingChange push(String alias, CheckpointRecord checkpoint, Optional<ServingRepository.Desired> current,
                               String reason, String actor) {
        String checkpointId = checkpoint.checkpointId();
        String from = current.map(ServingRepository.Desired::checkpointId).orElse(null);
        long revision = current.map(d -> d.revision() + 1).orElse(1L);
        serving.push(alias, checkpointId);
        ServingChange change = apply(alias, checkpoint, revision, "promote", from, actor, reason);
        ModelPromoted.Builder promoted = ModelPromoted.newBuilder().setAlias(alias).setCheckpointId(checkpointId)
                .setActor(actor).setReason(reason);
        if (from != null) {
            promoted.setPreviousCheckpointId(from);
        }
        outbox.publish(Topics.SERVING_CHANGES, alias, alias, EventEnvelope.newBuilder().setModelPromoted(promoted));
        log.info("alias {} revision {}: {} promoted {} (was {}): {}", alias, revision, actor, checkpointId, from, reason);
        return change;
    }

    /** Goes back to what the alias served before its current checkpoint: 409 when there is nothing before it. */
    @Transactional
    public ServingChange rollback(String alias, String reason, String actor) {
        serving.lock(alias);
        ServingRepository.Desired current = serving.desired(alias).orElseThrow(() ->
                new NotFoundException("alias '" + alias + "' serves nothing; nothing to roll back"));
        List<String> stack = serving.stack(alias);
        if (stack.size() < 2) {
            throw Problems.conflict("alias '" + alias + "' has no earlier checkpoint to roll back to");
        }
        String previousId = stack.get(1);
        CheckpointRecord previous = checkpoints.find(previousId).orElseThrow();
        serving.popTop(alias);
        ServingChange change = apply(alias, previous, current.revision() + 1, "rollback", current.checkpointId(), actor,
                reason);
        outbox.publish(Topics.SERVING_CHANGES, alias, alias, EventEnvelope.newBuilder().setModelRolledBack(
                ModelRolledBack.newBuilder().setAlias(alias).setCheckpointId(previousId)
                        .setRolledBackCheckpointId(current.checkpointId()).setActor(actor).setReason(reason)));
        log.info("alias {} revision {}: {} rolled back {} to {}: {}", alias, change.revision(), actor,
                current.checkpointId(), previousId, reason);
        return change;
    }

    public List<ServingChange> history(String alias, int limit) {
        return serving.history(alias, limit);
    }

    public Optional<ServingRepository.Desired> desired(String alias) {
        return serving.desired(alias);
    }

    private ServingChange apply(String alias, CheckpointRecord to, long revision, String action, String from,
                                String actor, String reason) {
        serving.setDesired(alias, to.checkpointId(), revision);
        ServingChange change = serving.audit(alias, revision, action, from, to.checkpointId(), actor, reason);
        outbox.publish(Topics.SERVING_DESIRED, alias, alias, EventEnvelope.newBuilder().setServingDesired(
                ServingDesired.newBuilder().setAlias(alias).setCheckpointId(to.checkpointId()).setRevision(revision)
                        .setStudent(to.student()).setAutoencoder(to.autoencoder())));
        return change;
    }
}
