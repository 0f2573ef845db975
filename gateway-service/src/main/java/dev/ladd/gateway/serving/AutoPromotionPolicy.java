package dev.ladd.gateway.serving;

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
 * {@code steps} is lower than the served checkpoint's by at least {@code fid-margin} and its ms/image at batch 1
 * (same steps) is within {@code max-ms-per-image}. With nothing served yet, the budget alone decides.
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
        if (candidate == null || !candidate.scoreState().equals("scored") || !candidate.published()
                || candidate.autoencoderWeights() == null || candidate.autoencoderManifest() == null) {
            return;   // not complete yet: the other event (published or scored) will call again
        }
        Optional<ScoreRow> score = candidate.student(settings.steps());
        if (score.isEmpty()) {
            log.info("auto-policy: {} has no student score at {} steps; not promoted", checkpointId, settings.steps());
            return;
        }
        double ms = score.get().msPerImageBatch1();
        if (ms > settings.maxMsPerImage()) {
            log.info("auto-policy: {} takes {} ms/image at {} steps, over the budget of {}; not promoted", checkpointId,
                    ms, settings.steps(), settings.maxMsPerImage());
            return;
        }
        String alias = settings.alias();
        Optional<ServingRepository.Desired> served = promotions.desired(alias);
        String reason;
        if (served.isEmpty()) {
            reason = String.format("auto-policy: nothing served; student@%d FID %.3f, %.2f ms/image within %.2f",
                    settings.steps(), score.get().fid(), ms, settings.maxMsPerImage());
        } else {
            if (served.get().checkpointId().equals(checkpointId)) {
                return;
            }
            Optional<ScoreRow> servedScore = checkpoints.find(served.get().checkpointId())
                    .flatMap(c -> c.student(settings.steps()));
            if (servedScore.isEmpty()) {
                log.info("auto-policy: served {} has no student score at {} steps to compare with; {} not promoted",
                        served.get().checkpointId(), settings.steps(), checkpointId);
                return;
            }
            double gain = servedScore.get().fid() - score.get().fid();
            if (gain < settings.fidMargin()) {
                log.info("auto-policy: {} FID {} vs served {} FID {}: gain {} below the margin {}; not promoted",
                        checkpointId, score.get().fid(), served.get().checkpointId(), servedScore.get().fid(), gain,
                        settings.fidMargin());
                return;
            }
            reason = String.format("auto-policy: student@%d FID %.3f beats served %s (%.3f) by %.3f >= %.3f; "
                            + "%.2f ms/image within %.2f", settings.steps(), score.get().fid(), served.get().checkpointId(),
                    servedScore.get().fid(), gain, settings.fidMargin(), ms, settings.maxMsPerImage());
        }
        promotions.promote(alias, checkpointId, reason, ACTOR);
    }
}
