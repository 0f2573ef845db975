package dev.ladd.ml.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/** Prompts as the arrays the text encoder reads: token ids and padding mask, both [B, L] float. */
public final class PromptArrays {

    private PromptArrays() {
    }

    /** {ids [B, L], mask [B, L]} in {@code manager}. */
    public static NDArray[] of(NDManager manager, WordTokenizer tokenizer, List<String> prompts) {
        WordTokenizer.EncodedBatch batch = tokenizer.encodeBatch(prompts);
        float[] ids = new float[batch.ids().length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = batch.ids()[i];
        }
        Shape shape = new Shape(batch.batchSize(), batch.maxLength());
        return new NDArray[]{manager.create(ids, shape), manager.create(batch.mask(), shape)};
    }
}
