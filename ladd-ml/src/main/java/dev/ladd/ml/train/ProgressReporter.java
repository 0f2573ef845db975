package dev.ladd.ml.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

/** A text progress bar with ETA for a training loop: prints at most every two seconds and at the end. */
public final class ProgressReporter implements TrainingMonitor {

    private final String label;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private long lastPrintNanos;
    private long firstStep = -1;

    public ProgressReporter(String label, PrintStream out) {
        this.label = label;
        this.out = out;
    }

    @Override
    public boolean onStep(long step, long totalSteps, Map<String, Double> metrics) {
        if (firstStep < 0) {
            firstStep = step - 1;
        }
        long now = System.nanoTime();
        if (now - lastPrintNanos > 2_000_000_000L || step == totalSteps) {
            lastPrintNanos = now;
            out.println(line(step, totalSteps, metrics, Duration.ofNanos(now - startNanos)));
        }
        return true;
    }

    /** Seconds left at the current pace. */
    public long etaSeconds(long step, long total) {
        double perStep = (System.nanoTime() - startNanos) / 1e9 / Math.max(1, step - Math.max(0, firstStep));
        return Math.round(perStep * (total - step));
    }

    String line(long step, long total, Map<String, Double> metrics, Duration elapsed) {
        int width = 30;
        int filled = (int) (width * step / Math.max(1, total));
        double perStep = elapsed.toMillis() / (double) Math.max(1, step - firstStep);
        Duration eta = Duration.ofMillis((long) (perStep * (total - step)));
        StringBuilder numbers = new StringBuilder();
        metrics.forEach((k, v) -> numbers.append(String.format(" %s %.4f", k, v)));
        return String.format("[%s] [%s%s] %d/%d (%.0f%%)%s  %.0f ms/step  ETA %dm%02ds", label,
                "#".repeat(filled), ".".repeat(width - filled), step, total, 100.0 * step / Math.max(1, total),
                numbers, perStep, eta.toMinutes(), eta.toSecondsPart());
    }
}
