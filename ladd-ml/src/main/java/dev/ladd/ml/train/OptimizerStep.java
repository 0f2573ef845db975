package dev.ladd.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

/**
 * One optimizer over the trainable parameters of one block, without DJL's Trainer: after a backward
 * pass, {@link #step()} updates every parameter that has a gradient and clears it. Frozen blocks
 * ({@code freezeParameters(true)}) are skipped. Two of these (student, discriminator heads) never touch
 * each other's parameters, and no frozen teacher is ever unfrozen by a trainer.
 */
public final class OptimizerStep {

    private final Block block;
    private final Optimizer optimizer;

    public OptimizerStep(Block block, Optimizer optimizer) {
        this.block = block;
        this.optimizer = optimizer;
    }

    /** AdamW with a fixed learning rate, the betas given and no weight decay unless asked. */
    public static OptimizerStep adamW(Block block, float learningRate, float beta1, float beta2, float weightDecay) {
        return new OptimizerStep(block, Optimizer.adamW().optLearningRateTracker(Tracker.fixed(learningRate))
                .optBeta1(beta1).optBeta2(beta2).optWeightDecays(weightDecay).build());
    }

    /** Applies the gradients collected since the last step, then zeroes them. */
    public void step() {
        for (Pair<String, Parameter> pair : block.getParameters()) {
            Parameter parameter = pair.getValue();
            if (!parameter.requiresGradient()) {
                continue;
            }
            NDArray weight = parameter.getArray();
            NDArray gradient = weight.getGradient();
            optimizer.update(parameter.getId(), weight, gradient);
            gradient.subi(gradient);
        }
    }

    /** Global L2 norm of the current gradients (before {@link #step()}), for logging. */
    public double gradientNorm() {
        double sum = 0;
        for (Pair<String, Parameter> pair : block.getParameters()) {
            Parameter parameter = pair.getValue();
            if (parameter.requiresGradient()) {
                NDArray g = parameter.getArray().getGradient();
                sum += g.mul(g).sum().getFloat();
            }
        }
        return Math.sqrt(sum);
    }
}
