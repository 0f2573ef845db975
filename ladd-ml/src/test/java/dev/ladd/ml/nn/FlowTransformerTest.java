package dev.ladd.ml.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlowTransformerTest {

    static final int VOCAB = 12;
    static final int LENGTH = 6;

    NDManager manager;
    ParameterStore ps;

    @BeforeEach
    void setUp() {
        Engine.getInstance().setRandomSeed(42);
        manager = NDManager.newBaseManager();
        ps = new ParameterStore(manager, false);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    FlowTransformer model(boolean randomOutput) {
        FlowTransformer model = new FlowTransformer(FlowTransformerConfig.tiny(VOCAB, LENGTH));
        if (randomOutput) {
            // replace adaLN-Zero's zero start so the output depends on the inputs
            model.setInitializer(new NormalInitializer(0.2f), Parameter.Type.WEIGHT);
        }
        model.initialize(manager);
        return model;
    }

    NDArray ids(float... values) {
        return manager.create(values, new Shape(values.length / LENGTH, LENGTH));
    }

    NDArray maskOf(NDArray ids) {
        return ids.gt(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
    }

    @Test
    void theTinyModelHasAFewThousandParameters() {
        long count = model(false).getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
        assertThat(count).isBetween(2_000L, 30_000L);
    }

    @Test
    void predictsAVelocityOfTheLatentShapeForSquareAndNonSquareGrids() {
        FlowTransformer model = model(true);
        NDArray ids = ids(2, 5, 6, 0, 0, 0, 2, 7, 0, 0, 0, 0);
        for (Shape latent : List.of(new Shape(2, 4, 8, 8), new Shape(2, 4, 4, 12))) {
            NDArray x = manager.randomNormal(latent);
            NDArray v = model.velocity(ps, x, manager.create(new float[]{0.3f, 0.9f}), ids, maskOf(ids), false);
            assertThat(v.getShape()).isEqualTo(latent);
        }
    }

    @Test
    void startsAtZeroVelocityBecauseOfAdaLnZero() {
        FlowTransformer model = model(false);
        NDArray ids = ids(2, 5, 6, 0, 0, 0);
        NDArray v = model.velocity(ps, manager.randomNormal(new Shape(1, 4, 8, 8)), manager.create(new float[]{0.5f}),
                ids, maskOf(ids), false);
        assertThat(v.abs().max().getFloat()).isZero();
    }

    @Test
    void featuresAreTheImageTokensAfterTheRequestedBlocks() {
        FlowTransformer model = model(true);
        NDArray ids = ids(2, 5, 6, 0, 0, 0);
        NDArray mask = maskOf(ids);
        NDList text = model.encodeText(ps, ids, mask, false);
        NDArray x = manager.randomNormal(new Shape(1, 4, 8, 8));
        NDArray t = manager.create(new float[]{0.5f});

        List<NDArray> all = model.features(ps, x, t, text, mask, new int[]{0, 1}, false);
        List<NDArray> first = model.features(ps, x, t, text, mask, new int[]{0}, false);

        assertThat(all).hasSize(2);
        assertThat(all.get(0).getShape()).isEqualTo(new Shape(1, 16, 16));   // 8×8 latent, patch 2 → 16 tokens of width 16
        assertThat(first.get(0).toFloatArray()).containsExactly(all.get(0).toFloatArray());
        assertThatThrownBy(() -> model.features(ps, x, t, text, mask, new int[]{2}, false))
                .hasMessageContaining("block 2 requested");
    }

    @Test
    void paddingTokensDoNotChangeTheTextEncoding() {
        FlowTransformer model = model(true);
        NDArray a = ids(2, 5, 6, 0, 0, 0);
        NDArray b = ids(2, 5, 6, 0, 0, 0);
        NDArray mask = maskOf(a);
        b.set(new ai.djl.ndarray.index.NDIndex("0, 4"), 9f);   // a different id in a padded slot

        NDList ta = model.encodeText(ps, a, mask, false);
        NDList tb = model.encodeText(ps, b, mask, false);

        assertThat(tb.get(1).toFloatArray()).containsExactly(ta.get(1).toFloatArray());
    }

    @Test
    void refusesLatentsThatDoNotFitThePatchGrid() {
        FlowTransformer model = model(false);
        NDArray ids = ids(2, 5, 6, 0, 0, 0);
        assertThatThrownBy(() -> model.velocity(ps, manager.randomNormal(new Shape(1, 4, 7, 8)),
                manager.create(new float[]{0.5f}), ids, maskOf(ids), false))
                .hasMessageContaining("divisible by 2");
    }

    @Test
    void gridPositionsDifferForEveryToken() {
        NDArray pos = Embeddings.gridPositions(manager, 2, 3, 8);
        assertThat(pos.getShape()).isEqualTo(new Shape(6, 8));
        float[] p = pos.toFloatArray();
        for (int i = 0; i < 6; i++) {
            for (int j = i + 1; j < 6; j++) {
                boolean same = true;
                for (int k = 0; k < 8; k++) {
                    same &= p[i * 8 + k] == p[j * 8 + k];
                }
                assertThat(same).as("tokens %d and %d", i, j).isFalse();
            }
        }
    }
}
