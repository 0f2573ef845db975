package dev.ladd.gateway.serving;

import dev.ladd.gateway.checkpoint.ScoreState;
import dev.ladd.gateway.GatewayProperties;
import dev.ladd.gateway.checkpoint.CheckpointRecord;
import dev.ladd.gateway.checkpoint.CheckpointRepository;
import dev.ladd.gateway.checkpoint.ScoreRow;
import dev.ladd.events.v1.BlobRef;
import dev.ladd.events.v1.ModelRef;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** With {@code quick-scores=false} the policy waits for a checkpoint's full score before it promotes it. */
class AutoPromotionPolicyTest {

    static final BlobRef BLOB = BlobRef.newBuilder().setSha256("ab".repeat(32)).setSizeBytes(1).build();
    static final ModelRef MODEL = ModelRef.newBuilder().setWeights(BLOB).setManifest(BLOB).build();

    static CheckpointRecord checkpoint(String id, String pass, double fid4) {
        List<ScoreRow> rows = pass.equals(ScoreRow.QUICK)
                ? List.of(row(ScoreRow.QUICK, fid4))
                : List.of(row(ScoreRow.QUICK, fid4 + 5), row(ScoreRow.FULL, fid4));
        return new CheckpointRecord(id, "run", 1, "default", MODEL, MODEL, Instant.now(), ScoreState.SCORED, pass, null,
                Instant.now(), rows);
    }

    static ScoreRow row(String pass, double fid) {
        return new ScoreRow(pass, "student", 4, 0, fid, 0.5, 0.5, 0.8, 10, 1, 1000, pass.equals(ScoreRow.QUICK) ? 500 : 5000);
    }

    @Test
    void withoutQuickScoresOnlyAFullScorePromotes() {
        GatewayProperties properties = mock(GatewayProperties.class);
        when(properties.autoPromotion()).thenReturn(new GatewayProperties.AutoPromotion(true, "default", 4, 1.0, 50, false, 1.0));
        PromotionService promotions = mock(PromotionService.class);
        when(promotions.desired("default")).thenReturn(Optional.empty());
        CheckpointRepository checkpoints = mock(CheckpointRepository.class);
        when(checkpoints.find("quick-only")).thenReturn(Optional.of(checkpoint("quick-only", ScoreRow.QUICK, 10)));
        when(checkpoints.find("full")).thenReturn(Optional.of(checkpoint("full", ScoreRow.FULL, 30)));
        AutoPromotionPolicy policy = new AutoPromotionPolicy(properties, promotions, checkpoints);

        policy.consider("quick-only");
        verify(promotions, never()).promote(anyString(), anyString(), anyString(), any());

        policy.consider("full");
        verify(promotions).promote(eq("default"), eq("full"), contains("full pass, 5000 samples"), eq(AutoPromotionPolicy.ACTOR));
    }
}
