package dev.ladd.ml.eval;

import dev.ladd.ml.metrics.SpeedMeter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Progress and ETA of one piece of long scoring work — a checkpoint's pass in eval-service (with any teacher
 * baselines it needs first), or a command's measurements: samples made of all its targets, and a line to
 * {@code sink} at most every {@code logInterval} and when a target is finished, like the training jobs' progress
 * bars. The ETA weighs the work left by network evaluations (a guided teacher step costs two, timing included) at
 * the pace measured since this work began, so units made before a restart count as done but not towards the pace.
 */
public class MeasurementProgress implements Measurement.Progress {

    private final String prefix;
    private final int timingSamples;
    private final Duration logInterval;
    private final Consumer<String> sink;
    private final LongSupplier nanoClock;
    private final Instant startedAt = Instant.now();
    private final long startNanos;
    private final long totalSamples;
    private final double totalWork;
    private long doneSamples;
    private double doneWork;
    private double workHere;
    private long lastLogNanos;
    private String model = "";

    /**
     * @param prefix      what every line starts with: what is scored, e.g. {@code full pass of run-1-step-250}
     * @param targets     everything this work measures
     * @param speedCalls  timed calls per batch size and target (warm-up included)
     * @param logInterval at most one progress line per interval (and one per finished target)
     */
    public MeasurementProgress(String prefix, List<Measurement.Target> targets, int speedCalls, Duration logInterval,
                               Consumer<String> sink) {
        this(prefix, targets, speedCalls, logInterval, sink, System::nanoTime);
    }

    protected MeasurementProgress(String prefix, List<Measurement.Target> targets, int speedCalls, Duration logInterval,
                                  Consumer<String> sink, LongSupplier nanoClock) {
        this.prefix = prefix;
        this.timingSamples = speedCalls * (1 + SpeedMeter.LARGE_BATCH);
        this.logInterval = logInterval;
        this.sink = sink;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.lastLogNanos = startNanos;
        this.totalSamples = targets.stream().mapToLong(Measurement.Target::samples).sum();
        this.totalWork = targets.stream().mapToDouble(t -> (double) (t.samples() + timingSamples) * t.evaluationsPerSample())
                .sum();
    }

    /** Counts samples made before this work began (committed units, finished targets): done, not towards the pace. */
    public synchronized void alreadyDone(Measurement.Target target, int samples, boolean timed) {
        doneSamples += samples;
        doneWork += (double) (samples + (timed ? timingSamples : 0)) * target.evaluationsPerSample();
    }

    @Override
    public synchronized void working(Measurement.Target target) {
        model = target.label();
    }

    @Override
    public synchronized void sampled(Measurement.Target target, int samples) {
        doneSamples += samples;
        double work = (double) samples * target.evaluationsPerSample();
        doneWork += work;
        workHere += work;
        long now = nanoClock.getAsLong();
        if (now - lastLogNanos >= logInterval.toNanos()) {
            lastLogNanos = now;
            sink.accept(line());
        }
    }

    @Override
    public synchronized void finished(Measurement.Target target, ModelScore score) {
        double work = (double) timingSamples * target.evaluationsPerSample();
        doneWork += work;
        workHere += work;
        lastLogNanos = nanoClock.getAsLong();
        sink.accept(String.format(Locale.ROOT, "%s: %s over %d samples: FID %.2f, precision %.3f, recall %.3f, "
                        + "adherence %.3f, %.2f ms/image (b1) — %s", prefix, target.label(), target.samples(), score.fid(),
                score.precision(), score.recall(), score.adherence(), score.msPerImageBatch1(), counts()));
    }

    /** The ETA in seconds at the pace so far; null before any work was done here. */
    public synchronized Long etaSeconds() {
        if (workHere <= 0) {
            return null;
        }
        double perWork = (nanoClock.getAsLong() - startNanos) / 1e9 / workHere;
        return Math.max(0, Math.round(perWork * Math.max(0, totalWork - doneWork)));
    }

    /** The target being measured now, e.g. {@code teacher@50+CFG1.5}; empty before the first. */
    public synchronized String model() {
        return model;
    }

    /** Samples made so far, of {@link #totalSamples()}. */
    public synchronized long doneSamples() {
        return doneSamples;
    }

    public long totalSamples() {
        return totalSamples;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** e.g. {@code full pass of run-1-step-250: teacher@50+CFG1.5 [#####.....] 1536/20000 samples (8%), ETA 14m05s}. */
    public synchronized String line() {
        int width = 30;
        int filled = (int) (width * doneSamples / Math.max(1, totalSamples));
        return String.format(Locale.ROOT, "%s: %s [%s%s] %s", prefix, model, "#".repeat(filled), ".".repeat(width - filled),
                counts());
    }

    private String counts() {
        Long eta = etaSeconds();
        return String.format(Locale.ROOT, "%d/%d samples (%.0f%%), ETA %s", doneSamples, totalSamples,
                100.0 * doneSamples / Math.max(1, totalSamples),
                eta == null ? "unknown" : String.format(Locale.ROOT, "%dm%02ds", eta / 60, eta % 60));
    }
}
