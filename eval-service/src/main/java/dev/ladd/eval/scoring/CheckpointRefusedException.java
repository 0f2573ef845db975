package dev.ladd.eval.scoring;

/** The checkpoint was refused at intake (a blob missing or bad): it has no samples; the web layer answers 409. */
public class CheckpointRefusedException extends RuntimeException {

    public CheckpointRefusedException(String checkpointId, String refusalReason) {
        super("checkpoint '" + checkpointId + "' was refused (" + refusalReason + "): it has no samples");
    }
}
