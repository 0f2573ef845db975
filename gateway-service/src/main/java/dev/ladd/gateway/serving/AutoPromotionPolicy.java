package dev.ladd.gateway.serving;

import dev.ladd.gateway.checkpoint.ScoreState;
import dev.ladd.gateway.GatewayProperties;
import dev.ladd.gateway.checkpoint.CheckpointRecord;
import dev.ladd.gateway.checkpoint.CheckpointRepository;
import dev.ladd.gateway.checkpoint.ScoreRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * The optional automatic promotion ({@code ladd.gateway.auto-promotion.*}, off by default): a checkpoint that is
 * scored and published is promoted to the policy's alias, as actor {@code auto-policy}, when its student FID at
 * {@code steps} is lower than the served checkpoint's by at least the margin and its ms/image at batch 1 (same
 * steps) is within {@code max-ms-per-image}. With nothing served yet, the budget alone decides.
 *
 * <p>eval-service scores every checkpoint twice, a quick pass first and then the full one. FIDs of different
 * passes are never compared (over fewer samples FID is noisier and biased upwards): the policy compares the two
 * checkpoints on the most thorough pass both have — full if both have it, else quick, with
 * {@code quick-fid-margin} — so a checkpoint can be promoted on its quick score within minutes and is considered
 * again when its full score arrives. With {@code quick-scores=false} only full scores promote.
 */
@Component
public class AutoPromotionPolicy {

    public static final String ACTOR = "auto-policy";
    private static final Logger log = LoggerFactory.getLogger(AutoPromotionPolicy.class);

    private final GatewayProperties.AutoPromotion settings;
    private final PromotionService promotions;
    private final CheckpointRepository checkpoints;

    public AutoPromotionPolicy(GatewayProperties properties, PromotionService promotions, CheckpointRepository checkpoints) {
        this.settings = properties.autoPromotion();
        this.promotions = promotions;
        this.checkpoints = checkpoints;
    }

    /** Runs in the transaction of the event that completed the checkpoint; promotes it or says why not. */
    public void consider(String checkpointId) {
        if (!settings.enabled()) {
            return;
        }
        CheckpointRecord candidate = checkpoints.find(checkpointId).orElse(null);
        if (candidate == null || candidate.scoreState() != ScoreState.SCORED || !candidate.published()
                || candidate.autoencoder() == null) {
            return;   // not complete yet: the other event (published or scored) will call again
        }
        if (!usable(candidate, ScoreRow.FULL) && !usable(candidate, ScoreRow.QUICK)) {
            log.info("auto-policy: {} has only its quick score and quick-scores is off; waiting for its full score",
                    checkpointId);
            return;
        }
        String alias = settings.alias();
        Optional<ServingRepository.Desired> served = promotions.desired(alias);
        if (served.isPresent() && served.get().checkpointId().equals(checkpointId)) {
            return;
        }
        // the served checkpoint is in the catalog (serving_alias references it)
        CheckpointRecord current = served.flatMap(d -> checkpoints.find(d.checkpointId())).orElse(null);
        String pass = comparedPass(candidate, current);
        if (pass == null) {
            log.info("auto-policy: served {} has no score of a pass {} has too; {} not promoted",
                    current.checkpointId(), checkpointId, checkpointId);
            return;
        }
        Optional<ScoreRow> score = candidate.student(pass, settings.steps());
        if (score.isEmpty()) {
            log.info("auto-policy: {} has no student score at {} steps in its {} pass; not promoted", checkpointId,
                    settings.steps(), pass);
            return;
        }
        double ms = score.get().msPerImageBatch1();
        if (ms > settings.maxMsPerImage()) {
            log.info("auto-policy: {} takes {} ms/image at {} steps ({} pass), over the budget of {}; not promoted",
                    checkpointId, ms, settings.steps(), pass, settings.maxMsPerImage());
            return;
        }
        String reason;
        if (current == null) {
            reason = String.format("auto-policy: nothing served; student@%d FID %.3f (%s pass, %d samples), %.2f ms/image "
                    + "within %.2f", settings.steps(), score.get().fid(), pass, score.get().numSamples(), ms,
                    settings.maxMsPerImage());
        } else {
            Optional<ScoreRow> servedScore = current.student(pass, settings.steps());
            if (servedScore.isEmpty()) {
                log.info("auto-policy: served {} has no student score at {} steps in its {} pass to compare with; {} not "
                        + "promoted", current.checkpointId(), settings.steps(), pass, checkpointId);
                return;
            }
            double margin = pass.equals(ScoreRow.QUICK) ? settings.quickFidMargin() : settings.fidMargin();
            double gain = servedScore.get().fid() - score.get().fid();
            if (gain < margin) {
                log.info("auto-policy: {} FID {} vs served {} FID {} ({} pass): gain {} below the margin {}; not promoted",
                        checkpointId, score.get().fid(), current.checkpointId(), servedScore.get().fid(), pass, gain, margin);
                return;
            }
            reason = String.format("auto-policy: student@%d FID %.3f beats served %s (%.3f) by %.3f >= %.3f on the %s "
                            + "pass (%d samples); %.2f ms/image within %.2f", settings.steps(), score.get().fid(),
                    current.checkpointId(), servedScore.get().fid(), gain, margin, pass, score.get().numSamples(), ms,
                    settings.maxMsPerImage());
        }
        promotions.promote(alias, checkpointId, reason, ACTOR);
    }

    /** The pass the candidate is judged on: the most thorough one it and the served checkpoint both have. */
    private String comparedPass(CheckpointRecord candidate, CheckpointRecord served) {
        for (String pass : new String[]{ScoreRow.FULL, ScoreRow.QUICK}) {
            if (usable(candidate, pass) && (served == null || usable(served, pass))) {
                return pass;
            }
        }
        return null;
    }

    private boolean usable(CheckpointRecord checkpoint, String pass) {
        return checkpoint.hasPass(pass) && (pass.equals(ScoreRow.FULL) || settings.quickScores());
    }
}
