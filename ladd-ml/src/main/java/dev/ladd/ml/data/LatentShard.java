package dev.ladd.ml.data;

import dev.ladd.ml.checkpoint.DType;
import dev.ladd.ml.checkpoint.Safetensors;
import dev.ladd.ml.checkpoint.SafetensorsFile;
import dev.ladd.ml.checkpoint.SafetensorsFormatException;
import dev.ladd.ml.checkpoint.SafetensorsTensor;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A shard of synthetic teacher latents: what LADD trains on. Stored as one safetensors file (tensor
 * {@code latents} [N, C, h, w]; metadata: the prompt and seed of every sample, the teacher and the
 * sampler settings), so it is readable from PyTorch and numpy too.
 *
 * @param latents [count · C · h · w] row-major
 * @param shape   [C, h, w] of one latent
 */
public record LatentShard(String teacherId, int samplerSteps, float cfgScale, long[] shape, float[] latents,
                          List<String> prompts, List<Long> seeds) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public LatentShard {
        long per = shape[0] * shape[1] * shape[2];
        if (prompts.size() != seeds.size() || latents.length != per * prompts.size()) {
            throw new IllegalArgumentException("a shard of " + prompts.size() + " prompts and " + seeds.size()
                    + " seeds needs " + per * prompts.size() + " latent values, got " + latents.length);
        }
    }

    public int count() {
        return prompts.size();
    }

    public byte[] toSafetensors() throws IOException {
        long[] tensorShape = {count(), shape[0], shape[1], shape[2]};
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "ladd-latent-shard/1");
        meta.put("teacher", teacherId);
        meta.put("sampler_steps", Integer.toString(samplerSteps));
        meta.put("cfg_scale", Float.toString(cfgScale));
        meta.put("prompts", JSON.writeValueAsString(prompts));
        meta.put("seeds", JSON.writeValueAsString(seeds));
        return Safetensors.toBytes(SafetensorsFile.of(
                List.of(new SafetensorsTensor("latents", DType.F32, tensorShape, latents)), meta));
    }

    /** Reads a shard written by {@link #toSafetensors()}, refusing anything else with a clear message. */
    public static LatentShard fromSafetensors(byte[] bytes) throws IOException {
        SafetensorsFile file = Safetensors.read(bytes);
        Map<String, String> meta = file.metadata();
        if (!"ladd-latent-shard/1".equals(meta.get("format"))) {
            throw new SafetensorsFormatException("not a latent shard (metadata format is " + meta.get("format") + ")");
        }
        SafetensorsTensor latents = file.tensor("latents");
        if (latents == null || latents.shape().length != 4) {
            throw new SafetensorsFormatException("a latent shard needs a 4-d tensor 'latents'");
        }
        long[] s = latents.shape();
        try {
            return new LatentShard(meta.get("teacher"), Integer.parseInt(meta.get("sampler_steps")),
                    Float.parseFloat(meta.get("cfg_scale")), new long[]{s[1], s[2], s[3]}, latents.values(),
                    JSON.readValue(meta.get("prompts"), new TypeReference<List<String>>() { }),
                    JSON.readValue(meta.get("seeds"), new TypeReference<List<Long>>() { }));
        } catch (RuntimeException e) {
            throw new SafetensorsFormatException("latent shard metadata is invalid: " + e.getMessage());
        }
    }
}
