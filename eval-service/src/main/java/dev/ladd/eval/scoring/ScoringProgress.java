package dev.ladd.eval.scoring;

import dev.ladd.ml.eval.Measurement;
import dev.ladd.ml.eval.MeasurementProgress;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Progress and ETA of a checkpoint's scoring pass (with any teacher baselines it needs first): ladd-ml's
 * {@link MeasurementProgress}, whose lines start with the pass and the checkpoint, and what the API shows of it.
 */
public final class ScoringProgress extends MeasurementProgress {

    /**
     * What the API shows of it.
     *
     * @param subject    what is scored: a checkpoint id
     * @param pass       quick or full
     * @param model      the target being measured now, e.g. {@code teacher@50+CFG1.5}
     * @param done       samples made of {@code total}
     * @param etaSeconds null until the pace is known
     */
    public record Snapshot(String subject, Pass pass, String model, long done, long total, Long etaSeconds,
                           Instant startedAt) {
    }

    private final String subject;
    private final Pass pass;

    /**
     * @param targets     everything this work measures
     * @param speedCalls  timed calls per batch size and target (warm-up included)
     * @param logInterval at most one progress line per interval (and one per finished target)
     */
    public ScoringProgress(String subject, Pass pass, List<Measurement.Target> targets, int speedCalls,
                           Duration logInterval, Consumer<String> sink) {
        super(pass.label() + " pass of " + subject, targets, speedCalls, logInterval, sink);
        this.subject = subject;
        this.pass = pass;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(subject, pass, model(), doneSamples(), totalSamples(), etaSeconds(), startedAt());
    }
}
