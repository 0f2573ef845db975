package dev.ladd.gateway.models;

import java.time.Instant;

/**
 * A serving alias as the gateway knows it: promoted here ({@code serving_alias}) and/or reported by inference-service
 * ({@code serving_status}).
 *
 * @param checkpointId       the checkpoint the alias should serve (its newest promotion or rollback); what inference
 *                           reports serving when it was never promoted here
 * @param revision           that checkpoint's revision of the alias
 * @param runId              the run that checkpoint comes from, and its training step (null when the gateway has not
 *                           learnt the checkpoint)
 * @param servedCheckpointId what inference-service reports serving for the alias; null before its first report
 * @param servedRevision     the revision of the alias that report was about (a failed swap's: then the old checkpoint
 *                           is still served)
 * @param status             that report: "serving" or "swap-failed" (with {@code statusReason})
 * @param created            the alias's first promotion (or first report)
 */
public record ServedModel(String alias, String checkpointId, long revision, String runId, Integer step,
                          String servedCheckpointId, Long servedRevision, String status, String statusReason,
                          Instant created) {

    /**
     * "serving": inference serves the newest revision; "swapping": it has not reported the newest revision yet
     * (loading it, or the swap is in flight), meanwhile it serves {@code servedCheckpointId} if anything;
     * "swap-failed": loading the newest revision failed ({@code statusReason}) and the old model keeps serving.
     */
    public String state() {
        if (servedRevision == null || servedRevision < revision) {
            return "swapping";
        }
        return status;
    }
}
