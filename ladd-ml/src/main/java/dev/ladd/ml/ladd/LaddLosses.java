package dev.ladd.ml.ladd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import dev.ladd.ml.djl.Scalars;

import java.util.List;

/**
 * LADD's losses over the logits of several independent heads (each [B], or [B, N] judged per token); every
 * loss is the mean over heads of the per-head loss, so its scale does not depend on how many blocks are read.
 * <pre>
 *   L_D = mean_k [ mean(relu(1 − D_k(real))) + mean(relu(1 + D_k(fake))) ]        hinge, discriminator
 *   L_G = mean_k [ −mean(D_k(fake)) ]                                              hinge, generator (student)
 *   L_D = mean_k [ mean(softplus(−D_k(real))) + mean(softplus(D_k(fake))) ]        softplus, discriminator
 *   L_G = mean_k [ mean(softplus(−D_k(fake))) ]                                    softplus (non-saturating), student
 *   L_distill = mean(‖x̂₀ − x₀‖²)                                                  optional, off by default
 *   L_R1 ≈ mean_k mean((D_k(f + σε) − D_k(f))²) / σ²                               optional, off by default
 * </pre>
 * The R1 penalty is approximated by a finite difference on the features the heads read (E[(∇D·σε)²] =
 * σ²‖∇D‖²), which needs no second-order gradients (docs/adr/007-ladd-training.md).
 */
public final class LaddLosses {

    private LaddLosses() {
    }

    /** The heads' loss of the configured kind. */
    public static NDArray discriminator(LaddConfig.AdversarialLoss loss, List<NDArray> realLogits, List<NDArray> fakeLogits) {
        return loss == LaddConfig.AdversarialLoss.HINGE ? discriminatorHinge(realLogits, fakeLogits)
                : discriminatorSoftplus(realLogits, fakeLogits);
    }

    /** The student's adversarial loss of the configured kind. */
    public static NDArray generator(LaddConfig.AdversarialLoss loss, List<NDArray> fakeLogits) {
        return loss == LaddConfig.AdversarialLoss.HINGE ? generatorHinge(fakeLogits) : generatorSoftplus(fakeLogits);
    }

    public static NDArray discriminatorSoftplus(List<NDArray> realLogits, List<NDArray> fakeLogits) {
        NDList perHead = new NDList();
        for (int k = 0; k < realLogits.size(); k++) {
            perHead.add(Activation.softPlus(realLogits.get(k).neg()).mean().add(Activation.softPlus(fakeLogits.get(k)).mean()));
        }
        return meanOf(perHead);
    }

    public static NDArray generatorSoftplus(List<NDArray> fakeLogits) {
        NDList perHead = new NDList();
        for (NDArray logits : fakeLogits) {
            perHead.add(Activation.softPlus(logits.neg()).mean());
        }
        return meanOf(perHead);
    }

    public static NDArray discriminatorHinge(List<NDArray> realLogits, List<NDArray> fakeLogits) {
        NDList perHead = new NDList();
        for (int k = 0; k < realLogits.size(); k++) {
            NDArray real = Activation.relu(Scalars.rsub(1, realLogits.get(k))).mean();
            NDArray fake = Activation.relu(Scalars.scalar(fakeLogits.get(k), 1).add(fakeLogits.get(k))).mean();
            perHead.add(real.add(fake));
        }
        return meanOf(perHead);
    }

    public static NDArray generatorHinge(List<NDArray> fakeLogits) {
        NDList perHead = new NDList();
        for (NDArray logits : fakeLogits) {
            perHead.add(logits.mean().neg());
        }
        return meanOf(perHead);
    }

    public static NDArray distillation(NDArray predictedClean, NDArray clean) {
        NDArray diff = predictedClean.sub(clean);
        return diff.mul(diff).mean();
    }

    /** The finite-difference R1 penalty; {@code perturbedLogits} are the heads' logits for features + σε. */
    public static NDArray approximateR1(List<NDArray> logits, List<NDArray> perturbedLogits, double sigma) {
        NDList perHead = new NDList();
        for (int k = 0; k < logits.size(); k++) {
            NDArray diff = perturbedLogits.get(k).sub(logits.get(k));
            perHead.add(diff.mul(diff).mean());
        }
        return Scalars.div(meanOf(perHead), sigma * sigma);
    }

    /** Mean of all logits of all heads: the D(real) / D(fake) the run logs. */
    public static double meanLogit(List<NDArray> logits) {
        double sum = 0;
        for (NDArray l : logits) {
            sum += l.mean().getFloat();
        }
        return sum / logits.size();
    }

    private static NDArray meanOf(NDList scalars) {
        return NDArrays.stack(scalars).mean();
    }
}
