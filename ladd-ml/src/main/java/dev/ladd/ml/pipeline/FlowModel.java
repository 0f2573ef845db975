package dev.ladd.ml.pipeline;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.ml.diffusion.StudentSampler;
import dev.ladd.ml.nn.DenoiserConfig;
import dev.ladd.ml.nn.FlowTransformer;
import dev.ladd.ml.text.WordTokenizer;

import java.util.Locale;

/**
 * A rectified-flow velocity model ready to sample: the {@link FlowTransformer} network (text encoder and
 * denoiser), the tokenizer of its vocabulary, and its role. A teacher and a distilled student are the same
 * network and checkpoint format; they differ only in the {@link Role} (the manifest's kind) and the
 * {@link dev.ladd.ml.diffusion.Sampler} they are sampled with. Load one with
 * {@link dev.ladd.ml.checkpoint.FlowModelCheckpoint#load}; sample it through a {@link Pipeline}.
 */
public final class FlowModel implements AutoCloseable {

    /** What the model was trained as; its name is the checkpoint manifest's kind. */
    public enum Role {
        TEACHER, STUDENT;

        /** The manifest kind: "teacher" or "student". */
        public String kind() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The role of a manifest kind; refuses any other kind. */
        public static Role ofKind(String kind) {
            for (Role role : values()) {
                if (role.kind().equals(kind)) {
                    return role;
                }
            }
            throw new IllegalArgumentException("not a flow model kind: '" + kind + "' (teacher or student)");
        }
    }

    private final NDManager manager;
    private final FlowTransformer network;
    private final WordTokenizer tokenizer;
    private final Role role;
    private final CheckpointManifest manifest;

    /**
     * @param manager  the manager holding the weights, closed with the model; null when the caller owns the
     *                 network (e.g. a network being trained)
     * @param manifest the checkpoint manifest it was loaded from; null for a network made in code
     */
    public FlowModel(NDManager manager, FlowTransformer network, WordTokenizer tokenizer, Role role,
                     CheckpointManifest manifest) {
        this.manager = manager;
        this.network = network;
        this.tokenizer = tokenizer;
        this.role = role;
        this.manifest = manifest;
    }

    /** A network the caller owns (closing the model leaves it alone), e.g. one in training. */
    public static FlowModel of(FlowTransformer network, WordTokenizer tokenizer, Role role) {
        return new FlowModel(null, network, tokenizer, role, null);
    }

    public FlowTransformer network() {
        return network;
    }

    public WordTokenizer tokenizer() {
        return tokenizer;
    }

    public Role role() {
        return role;
    }

    /** The manifest it was loaded from (null for a network made in code). */
    public CheckpointManifest manifest() {
        return manifest;
    }

    public DenoiserConfig denoiser() {
        return network.config().denoiser();
    }

    /**
     * The share of fresh noise the student's sampler is to use: its manifest's, or 1 (the paper's) if the
     * manifest does not say or there is none.
     */
    public double samplerEta() {
        return manifest == null || manifest.samplerEta() == null ? StudentSampler.FRESH_NOISE : manifest.samplerEta();
    }

    /** The student's own sampler at {@code steps} steps: re-noising with {@link #samplerEta()}. */
    public StudentSampler studentSampler(int steps) {
        return new StudentSampler(steps, samplerEta());
    }

    /** A manager for scratch arrays (freed when closed); the weights' own manager when the model has one. */
    NDManager scratch(NDManager fallback) {
        return (manager != null ? manager : fallback).newSubManager();
    }

    boolean ownsWeights() {
        return manager != null;
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
