package dev.ladd.ml.diffusion;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.train.AdamW;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RectifiedFlowTest {

    NDManager manager;

    @BeforeEach
    void setUp() {
        Engine.getInstance().setRandomSeed(7);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    @Test
    void theTrueVelocityTakesANoisyLatentBackToItsCleanLatent() {
        Random rng = new Random(1);
        NDArray x0 = RectifiedFlow.gaussian(manager, new Shape(3, 4, 8, 8), rng);
        NDArray eps = RectifiedFlow.gaussian(manager, new Shape(3, 4, 8, 8), rng);
        NDArray t = manager.create(new float[]{0f, 0.4f, 1f});

        NDArray xt = RectifiedFlow.noised(x0, eps, t);
        NDArray back = RectifiedFlow.cleanFromVelocity(xt, RectifiedFlow.velocityTarget(x0, eps), t);

        assertThat(back.sub(x0).abs().max().getFloat()).isLessThan(1e-5f);
        // t = 1 is pure noise, t = 0 the clean latent
        assertThat(xt.get(2).sub(eps.get(2)).abs().max().getFloat()).isLessThan(1e-6f);
        assertThat(xt.get(0).sub(x0.get(0)).abs().max().getFloat()).isLessThan(1e-6f);
    }

    @Test
    void logitNormalTimesHaveTheLawsMedianAndSpread() {
        float[] t = RectifiedFlow.logitNormal(manager, 20_000, 1.0, 1.0, new Random(3)).toFloatArray();
        Arrays.sort(t);
        double median = t[t.length / 2];
        assertThat(median).isCloseTo(1 / (1 + Math.exp(-1)), within(0.01));          // σ(m)
        assertThat((double) t[(int) (t.length * 0.1587)]).isCloseTo(0.5, within(0.01)); // σ(m − s) = σ(0)
    }

    @Test
    void timestepShiftKeepsTheEndsAndMovesTheMiddleTowardNoise() {
        assertThat(RectifiedFlow.shift(0, 3)).isZero();
        assertThat(RectifiedFlow.shift(1, 3)).isEqualTo(1.0);
        assertThat(RectifiedFlow.shift(0.5, 3)).isCloseTo(0.75, within(1e-12));
    }

    FlowTransformer randomModel() {
        FlowTransformer model = new FlowTransformer(FlowTransformerConfig.tiny(12, 6));
        model.setInitializer(new NormalInitializer(0.2f), Parameter.Type.WEIGHT);
        model.initialize(manager);
        return model;
    }

    NDArray[] prompt() {
        NDArray ids = manager.create(new float[]{2, 5, 6, 0, 0, 0, 2, 7, 0, 0, 0, 0}, new Shape(2, 6));
        NDArray mask = ids.gt(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        NDArray empty = manager.create(new float[]{2, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0}, new Shape(2, 6));
        NDArray emptyMask = empty.gt(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        return new NDArray[]{ids, mask, empty, emptyMask};
    }

    @Test
    void samplingIsReproducibleFromASeed() {
        FlowTransformer model = randomModel();
        NDArray[] p = prompt();
        EulerSampler sampler = new EulerSampler(4, 1.5, 1.0);

        float[] a = sampler.sample(model, RectifiedFlow.gaussian(manager, new Shape(2, 4, 8, 8), new Random(11)),
                p[0], p[1], p[2], p[3]).toFloatArray();
        float[] b = sampler.sample(model, RectifiedFlow.gaussian(manager, new Shape(2, 4, 8, 8), new Random(11)),
                p[0], p[1], p[2], p[3]).toFloatArray();
        float[] c = sampler.sample(model, RectifiedFlow.gaussian(manager, new Shape(2, 4, 8, 8), new Random(12)),
                p[0], p[1], p[2], p[3]).toFloatArray();

        assertThat(b).containsExactly(a);
        assertThat(c).isNotEqualTo(a);
    }

    /** Each Euler step frees its activations: 50 steps must not hold 50 steps' worth of arrays. */
    @Test
    void samplingKeepsOneStepOfActivationsNotAll() {
        FlowTransformer model = randomModel();
        NDArray[] p = prompt();
        int[] arrays = new int[2];
        int[] steps = {2, 12};
        for (int i = 0; i < 2; i++) {
            try (NDManager sub = manager.newSubManager()) {
                new EulerSampler(steps[i], 1.5, 1.0).sample(model,
                        RectifiedFlow.gaussian(sub, new Shape(2, 4, 8, 8), new Random(5)), p[0], p[1], p[2], p[3]);
                arrays[i] = ((ai.djl.ndarray.BaseNDManager) sub).getManagedArrays().size();
            }
        }
        // what is left per extra step is that step's result x, not its hundreds of intermediate arrays
        assertThat(arrays[1] - arrays[0]).isLessThanOrEqualTo(10);
    }

    @Test
    void theGuidanceScaleChangesTheSamplesMeasurably() {
        FlowTransformer model = randomModel();
        NDArray[] p = prompt();
        NDArray unguided = new EulerSampler(4, 1.0, 1.0).sample(model,
                RectifiedFlow.gaussian(manager, new Shape(2, 4, 8, 8), new Random(5)), p[0], p[1], p[2], p[3]);
        NDArray guided = new EulerSampler(4, 3.0, 1.0).sample(model,
                RectifiedFlow.gaussian(manager, new Shape(2, 4, 8, 8), new Random(5)), p[0], p[1], p[2], p[3]);

        double rmsDifference = Math.sqrt(guided.sub(unguided).pow(manager.create(2f)).mean().getFloat());
        double rmsSample = Math.sqrt(unguided.pow(manager.create(2f)).mean().getFloat());
        assertThat(rmsDifference / rmsSample).isGreaterThan(0.01);
    }

    @Test
    void theFlowMatchingLossFallsOnATinyDatasetWithinAFewSeconds() {
        // tiny data: two prompts, each with its own fixed latent pattern, 8 noisy copies of each per batch
        Random rng = new Random(2);
        NDArray patterns = RectifiedFlow.gaussian(manager, new Shape(2, 4, 8, 8), rng);
        NDArray[] p = prompt();
        NDArray x0 = patterns.repeat(0, 8);
        NDArray ids = p[0].repeat(0, 8);
        NDArray mask = p[1].repeat(0, 8);
        FlowTransformer model = new FlowTransformer(FlowTransformerConfig.tiny(12, 6));
        model.initialize(manager);
        AdamW optimizer = new AdamW(model, 1e-2f, 0.9f, 0.999f, 0f);
        // a fixed evaluation batch: same noise and times before and after training
        NDArray evalNoise = RectifiedFlow.gaussian(manager, x0.getShape(), new Random(99));
        NDArray evalT = RectifiedFlow.logitNormal(manager, 16, 0, 1, new Random(98));

        double before = evalLoss(model, x0, evalNoise, evalT, ids, mask);
        for (int step = 0; step < 100; step++) {
            try (NDManager sub = manager.newSubManager()) {
                NDArray eps = RectifiedFlow.gaussian(sub, x0.getShape(), rng);
                NDArray t = RectifiedFlow.logitNormal(sub, 16, 0, 1, rng);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray v = model.velocity(new ParameterStore(sub, false), RectifiedFlow.noised(x0, eps, t), t,
                            ids, mask, true);
                    collector.backward(RectifiedFlow.loss(v, RectifiedFlow.velocityTarget(x0, eps)));
                }
                optimizer.step();
            }
        }
        double after = evalLoss(model, x0, evalNoise, evalT, ids, mask);

        assertThat(after).as("loss on a fixed batch after 100 steps (before: %s)", before).isLessThan(0.75 * before);
    }

    private double evalLoss(FlowTransformer model, NDArray x0, NDArray eps, NDArray t, NDArray ids, NDArray mask) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray v = model.velocity(new ParameterStore(sub, false), RectifiedFlow.noised(x0, eps, t), t, ids, mask, false);
            return RectifiedFlow.loss(v, RectifiedFlow.velocityTarget(x0, eps)).getFloat();
        }
    }
}
