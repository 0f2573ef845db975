package dev.ladd.ml.train;

import java.util.Map;

/**
 * Watches a training loop: gets every step's metrics and can ask the loop to stop. A stopped loop
 * leaves a resumable state behind (see the training classes); progress bars and ETAs are built on this.
 */
@FunctionalInterface
public interface TrainingMonitor {

    /** A monitor that never stops the loop. */
    TrainingMonitor NONE = (step, total, metrics) -> true;

    /**
     * @param step       steps done so far (1-based after the first step)
     * @param totalSteps steps the loop will run in all
     * @param metrics    this step's numbers, e.g. "loss"
     * @return false to stop after this step
     */
    boolean onStep(long step, long totalSteps, Map<String, Double> metrics);
}
