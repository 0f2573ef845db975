package dev.ladd.ml.ladd;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one LADD iteration measured. {@code realMinusFake} = D(real) − D(fake) is the margin to watch: if it
 * sits at zero the discriminator has learned nothing and the student follows noise.
 *
 * @param iteration        the iteration this was (1-based, = the step reached)
 * @param studentLoss      the student's total loss (hinge + weighted distillation)
 * @param discriminatorLoss the heads' total loss of the last head update (hinge + weighted R1)
 * @param dReal            mean logit of real (synthetic teacher) samples over heads, last head update
 * @param dFake            mean logit of the student's samples, last head update
 * @param distillation     MSE(x̂₀, x₀) of the student step (computed even when its weight is 0)
 * @param studentGradNorm  ‖∇‖ of the student's weights before its update
 * @param headGradNorm     ‖∇‖ of the heads' weights before their last update
 * @param millis           wall time of the iteration
 */
public record LaddStepMetrics(long iteration, double studentLoss, double discriminatorLoss, double dReal,
                              double dFake, double distillation, double studentGradNorm, double headGradNorm,
                              double millis) {

    public double realMinusFake() {
        return dReal - dFake;
    }

    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss_student", studentLoss);
        m.put("loss_discriminator", discriminatorLoss);
        m.put("d_real", dReal);
        m.put("d_fake", dFake);
        m.put("distillation_mse", distillation);
        m.put("grad_norm_student", studentGradNorm);
        m.put("grad_norm_heads", headGradNorm);
        m.put("step_ms", millis);
        return m;
    }
}
