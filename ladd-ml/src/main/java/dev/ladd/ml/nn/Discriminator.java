package dev.ladd.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * LADD's trainable part of the discriminator: one independent {@link DiscriminatorHead} per teacher block
 * it reads. The frozen teacher supplies the features; these heads are all that the discriminator
 * optimizer updates. Every head is conditioned on
 * <pre>
 * cond = [sinusoidal embedding of t̂ (timeWidth) ; pooled prompt embedding (textWidth)]     [B, timeWidth + textWidth]
 * </pre>
 */
public final class Discriminator extends AbstractBlock {

    private final DiscriminatorConfig config;
    private final List<DiscriminatorHead> heads = new ArrayList<>();

    public Discriminator(DiscriminatorConfig config) {
        this.config = config;
        for (int block : config.blocks()) {
            heads.add(addChildBlock("head" + block, new DiscriminatorHead(config.channels(), config.norm())));
        }
    }

    public DiscriminatorConfig config() {
        return config;
    }

    /** Initializes every head reproducibly from {@code seed} (Kaiming-uniform convolutions, zero FiLM and biases). */
    public void initialize(NDManager manager, long seed) {
        setInitializer(new KaimingUniform(new Random(seed)), Parameter.Type.WEIGHT);
        setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        for (DiscriminatorHead head : heads) {
            head.film().setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
        }
        initialize(manager, DataType.FLOAT32, new Shape(1, 1, config.tokenWidth()),
                new Shape(1, config.timeWidth() + config.textWidth()));
    }

    /**
     * One logit per head, sample and token: the map the loss reads per token, or pools per image
     * ({@link #pooled}).
     *
     * @param features the teacher's image tokens after each of {@link DiscriminatorConfig#blocks()}, each [B, N, D]
     * @param tHat     re-noising levels [B]
     * @param pooled   pooled prompt embeddings [B, textWidth]
     * @return per head, logits [B, rows·cols]
     */
    public List<NDArray> logits(ParameterStore ps, List<NDArray> features, int rows, int cols, NDArray tHat,
                                NDArray pooled, boolean training) {
        if (features.size() != heads.size()) {
            throw new IllegalArgumentException(heads.size() + " heads but " + features.size() + " feature maps");
        }
        NDArray cond = Embeddings.timesteps(tHat, config.timeWidth()).concat(pooled, 1);
        List<NDArray> logits = new ArrayList<>(heads.size());
        for (int i = 0; i < heads.size(); i++) {
            logits.add(heads.get(i).logits(ps, features.get(i), rows, cols, cond, training));
        }
        return logits;
    }

    /** Per head, the mean of its token logits: one logit per image [B]. */
    public static List<NDArray> pooled(List<NDArray> tokenLogits) {
        return tokenLogits.stream().map(l -> l.mean(new int[]{1})).toList();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("call logits(...)");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{new Shape(inputShapes[0].get(0))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (DiscriminatorHead head : heads) {
            head.initialize(manager, dataType, inputShapes);
        }
    }
}
