package dev.ladd.ml.train;

import dev.ladd.ml.checkpoint.BlockWeights;
import dev.ladd.ml.checkpoint.CheckpointManifestException;
import dev.ladd.ml.checkpoint.CheckpointManifests;
import dev.ladd.ml.checkpoint.CheckpointMismatchException;
import dev.ladd.ml.checkpoint.Safetensors;
import dev.ladd.ml.checkpoint.SafetensorsFile;
import dev.ladd.ml.checkpoint.SafetensorsTensor;
import dev.ladd.ml.checkpoint.StateTensors;
import dev.ladd.ml.nn.Autoencoder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of an {@link AutoencoderTraining} run, everything it needs to continue: the model, its optimizer, the steps done and the run's config.
 * Save it with {@link #toSafetensors()}, continue from the bytes with {@link #load}.
 */
public final class AutoencoderTrainingState {

    private static final String MODEL_PREFIX = "model/";
    private static final String OPTIMIZER_PREFIX = "optim/";
    private static final String STATE_FORMAT = "ladd-autoencoder-training-state/1";

    private final Autoencoder model;
    private final AdamW optimizer;
    private final AutoencoderTraining.Config config;
    private long step;

    private AutoencoderTrainingState(Autoencoder model, AdamW optimizer, AutoencoderTraining.Config config, long step) {
        this.model = model;
        this.optimizer = optimizer;
        this.config = config;
        this.step = step;
    }

    /** A run from step 0 on an initialized model, with a new AdamW of the config's learning rate. */
    public static AutoencoderTrainingState start(Autoencoder model, AutoencoderTraining.Config config) {
        return new AutoencoderTrainingState(model, AutoencoderTraining.newOptimizer(model, config), config, 0);
    }

    public Autoencoder model() {
        return model;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public AutoencoderTraining.Config config() {
        return config;
    }

    /** Optimizer steps done. */
    public long step() {
        return step;
    }

    /** The same run continued to {@code totalSteps} in all (to train longer than first planned). */
    public AutoencoderTrainingState extendedTo(long totalSteps) {
        if (totalSteps < step) {
            throw new IllegalArgumentException("the run is at step " + step + ", cannot end at " + totalSteps);
        }
        return new AutoencoderTrainingState(model, optimizer, config.withSteps(totalSteps), step);
    }

    /**
     * One safetensors file: the weights as "model/&lt;parameter&gt;", the AdamW moments as
     * "optim/m/&lt;parameter&gt;" and "optim/v/&lt;parameter&gt;" (all F32, exact), and in the metadata the
     * step, the optimizer's step count, the run's config and the model's architecture (JSON).
     */
    public byte[] toSafetensors() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", STATE_FORMAT);
        metadata.put("step", Long.toString(step));
        metadata.put("optimizerSteps", Long.toString(optimizer.steps()));
        metadata.put("steps", Long.toString(config.steps()));
        metadata.put("batchSize", Integer.toString(config.batchSize()));
        metadata.put("learningRate", Double.toString(config.learningRate()));
        metadata.put("klWeight", Double.toString(config.klWeight()));
        metadata.put("seed", Long.toString(config.seed()));
        metadata.put("architecture", json(CheckpointManifests.architectureOf(model.config())));
        List<SafetensorsTensor> tensors = new ArrayList<>(StateTensors.of(MODEL_PREFIX, model));
        tensors.addAll(StateTensors.of(OPTIMIZER_PREFIX, optimizer.moments()));
        return Safetensors.toBytes(SafetensorsFile.of(tensors, metadata));
    }

    /**
     * Continues a run saved by {@link #toSafetensors()}: copies the weights into {@code model} (initialized,
     * same architecture) and the moments into {@code optimizer} (new, over {@code model}, with the run's
     * learning rate — see {@link #load(byte[], Autoencoder)}). Refuses a file of another architecture or
     * whose tensors do not fit, before changing anything.
     */
    public static AutoencoderTrainingState load(byte[] safetensors, Autoencoder model, AdamW optimizer) throws IOException {
        SafetensorsFile file = Safetensors.read(safetensors);
        Map<String, String> metadata = file.metadata();
        if (!STATE_FORMAT.equals(metadata.get("format"))) {
            throw new CheckpointManifestException("not an autoencoder training state: format is "
                    + metadata.get("format") + ", expected " + STATE_FORMAT);
        }
        AutoencoderTraining.Config config;
        long step;
        long optimizerSteps;
        try {
            config = new AutoencoderTraining.Config(Long.parseLong(metadata.get("steps")),
                    Integer.parseInt(metadata.get("batchSize")),
                    Double.parseDouble(metadata.get("learningRate")), Double.parseDouble(metadata.get("klWeight")),
                    Long.parseLong(metadata.get("seed")));
            step = Long.parseLong(metadata.get("step"));
            optimizerSteps = Long.parseLong(metadata.get("optimizerSteps"));
        } catch (RuntimeException e) {
            throw new CheckpointManifestException("autoencoder training state has bad metadata " + metadata, e);
        }
        String architecture = json(CheckpointManifests.architectureOf(model.config()));
        if (!architecture.equals(metadata.get("architecture"))) {
            throw new CheckpointManifestException("training state is for the autoencoder " + metadata.get("architecture")
                    + ", not " + architecture);
        }
        Map<String, SafetensorsTensor> weights = new LinkedHashMap<>();
        Map<String, float[]> moments = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        for (SafetensorsTensor tensor : file.tensors().values()) {
            String name = tensor.name();
            if (name.startsWith(MODEL_PREFIX)) {
                String parameter = name.substring(MODEL_PREFIX.length());
                weights.put(parameter, new SafetensorsTensor(parameter, tensor.dtype(), tensor.shape(), tensor.values()));
            } else if (name.startsWith(OPTIMIZER_PREFIX)) {
                moments.put(name.substring(OPTIMIZER_PREFIX.length()), tensor.values());
            } else {
                unexpected.add(name);
            }
        }
        checkMoments(model, moments, optimizerSteps, unexpected);
        BlockWeights.load(model, new SafetensorsFile(weights, Map.of()));
        optimizer.restore(moments, optimizerSteps);
        return new AutoencoderTrainingState(model, optimizer, config, step);
    }

    /** {@link #load(byte[], Autoencoder, AdamW)} with a new AdamW of the saved run's learning rate. */
    public static AutoencoderTrainingState load(byte[] safetensors, Autoencoder model) throws IOException {
        SafetensorsFile file = Safetensors.read(safetensors);
        String learningRate = file.metadata().get("learningRate");
        if (learningRate == null) {
            throw new CheckpointManifestException("not an autoencoder training state: no learningRate in the metadata");
        }
        return load(safetensors, model, new AdamW(model, Float.parseFloat(learningRate), AutoencoderTraining.BETA1, AutoencoderTraining.BETA2, 0f));
    }

    /** Every moment must belong to a parameter, with its size; after a step every parameter has both moments. */
    private static void checkMoments(Autoencoder model, Map<String, float[]> moments, long optimizerSteps,
                                     List<String> unexpected) throws IOException {
        Map<String, Long> sizes = new LinkedHashMap<>();
        model.getParameters().forEach(p -> sizes.put(p.getKey(), p.getValue().getArray().size()));
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        moments.forEach((name, values) -> {
            String parameter = name.length() > 2 ? name.substring(2) : name;
            Long size = sizes.get(parameter);
            if (!(name.startsWith("m/") || name.startsWith("v/")) || size == null) {
                unexpected.add(OPTIMIZER_PREFIX + name);
            } else if (size != values.length) {
                mismatched.add(OPTIMIZER_PREFIX + name + ": " + values.length + " values, parameter has " + size);
            }
        });
        if (optimizerSteps > 0) {
            for (String parameter : sizes.keySet()) {
                for (String moment : List.of("m/", "v/")) {
                    if (!moments.containsKey(moment + parameter)) {
                        missing.add(OPTIMIZER_PREFIX + moment + parameter);
                    }
                }
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            throw new CheckpointMismatchException(missing, unexpected, mismatched);
        }
    }

    /** One optimizer step done (the training loop's). */
    void advance() {
        step++;
    }

/** A flat JSON object of the architecture's numbers, in the record's component order (for the state's metadata). */
private static String json(Map<String, Object> value) {
    StringBuilder out = new StringBuilder("{");
    value.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
    return out.append('}').toString();
}
}
