package dev.ladd.eval.scoring;

import dev.ladd.eval.EvalProperties;
import dev.ladd.eval.checkpoint.CheckpointRecord;
import dev.ladd.eval.checkpoint.CheckpointRepository;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.List;

/**
 * The scoring work in the order the worker takes it: every checkpoint waiting for its quick pass, oldest first,
 * before any full pass; then the full passes, oldest first. (Without a quick pass — {@code ladd.eval.quick-samples}
 * not below {@code samples} — pending checkpoints get their full pass directly.) PostgreSQL is the queue.
 */
@Service
public class ScoringQueue {

    /** One pass of one checkpoint, to be done. */
    public record Entry(CheckpointRecord checkpoint, Pass pass) {
    }

    private final CheckpointRepository checkpoints;
    private final EvalProperties properties;

    public ScoringQueue(CheckpointRepository checkpoints, EvalProperties properties) {
        this.checkpoints = checkpoints;
        this.properties = properties;
    }

    /** Every pass still to be done, in the order it will be done. */
    public List<Entry> entries() {
        Pass first = properties.quickPass() ? Pass.QUICK : Pass.FULL;
        List<Entry> entries = new ArrayList<>();
        checkpoints.pending().forEach(c -> entries.add(new Entry(c, first)));
        if (properties.quickPass()) {
            checkpoints.awaitingFullScore().forEach(c -> entries.add(new Entry(c, Pass.FULL)));
        }
        return entries;
    }

    /** Whether a checkpoint waits for its quick pass: a full pass in progress makes way for it. */
    public boolean quickPassWaiting() {
        return properties.quickPass() && checkpoints.anyPending();
    }
}
