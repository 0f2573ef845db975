package dev.ladd.teacher.synthetic;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.NormalInitializer;
import dev.ladd.ml.data.Prompts;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.nn.FlowTransformerConfig;
import dev.ladd.ml.teacher.Teacher;
import dev.ladd.ml.text.WordTokenizer;

import java.util.Map;

/** A tiny, randomly initialized teacher checkpoint (a few thousand parameters) for tests. */
final class TinyTeacher {

    private TinyTeacher() {
    }

    static Teacher.Checkpoint checkpoint() {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            WordTokenizer tokenizer = WordTokenizer.build(Prompts.fashionMnist().allPrompts(), 10);
            FlowTransformer model = new FlowTransformer(FlowTransformerConfig.tiny(tokenizer.vocabularySize(), 10));
            model.setInitializer(new NormalInitializer(0.1f), Parameter.Type.WEIGHT);
            model.initialize(manager);
            return Teacher.checkpoint(model, tokenizer, 1.0, 0.0, null, 0, Map.of());
        }
    }
}
