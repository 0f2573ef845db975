package dev.ladd.ml.ladd;

import dev.ladd.ml.data.LatentShard;
import dev.ladd.ml.data.Prompts;

import java.util.ArrayList;
import java.util.List;

/**
 * One iteration's synthetic data: teacher latents x₀ with the prompts and seeds that made them.
 *
 * @param latents [count · C · h · w] row-major
 * @param shape   [C, h, w] of one latent
 */
public record LaddBatch(float[] latents, long[] shape, List<String> prompts, List<Long> seeds) {
    public LaddBatch {
        prompts = List.copyOf(prompts);
        seeds = List.copyOf(seeds);
        if (shape.length != 3 || prompts.size() != seeds.size()
                || latents.length != shape[0] * shape[1] * shape[2] * prompts.size()) {
            throw new IllegalArgumentException("a batch of " + prompts.size() + " prompts and " + seeds.size()
                    + " seeds with latents of shape " + java.util.Arrays.toString(shape) + " cannot hold "
                    + latents.length + " values");
        }
    }

    public int count() {
        return prompts.size();
    }

    /**
     * Per sample, a prompt of another sample of this batch that names another class (the next such one, cyclically;
     * failing that, the next different prompt): the wrong-prompt fakes' conditioning.
     */
    public List<String> wrongPrompts() {
        Prompts vocabulary = Prompts.fashionMnist();
        int n = count();
        List<String> wrong = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            var label = vocabulary.labelOf(prompts.get(i));
            String chosen = null;
            String different = null;
            for (int k = 1; k < n && chosen == null; k++) {
                String other = prompts.get((i + k) % n);
                var otherLabel = vocabulary.labelOf(other);
                if (label.isPresent() && otherLabel.isPresent() && label.getAsInt() != otherLabel.getAsInt()) {
                    chosen = other;
                } else if (different == null && !other.equals(prompts.get(i))) {
                    different = other;
                }
            }
            wrong.add(chosen != null ? chosen : different != null ? different : prompts.get(i));
        }
        return wrong;
    }

    /** Sample j of the batch is sample {@code indices.get(j)} of {@code shards.get(j)} (shards of one latent shape). */
    public static LaddBatch gather(List<LatentShard> shards, List<Integer> indices) {
        long[] shape = shards.get(0).shape();
        int per = Math.toIntExact(shape[0] * shape[1] * shape[2]);
        float[] latents = new float[indices.size() * per];
        List<String> prompts = new ArrayList<>(indices.size());
        List<Long> seeds = new ArrayList<>(indices.size());
        for (int j = 0; j < indices.size(); j++) {
            LatentShard shard = shards.get(j);
            int k = indices.get(j);
            System.arraycopy(shard.latents(), k * per, latents, j * per, per);
            prompts.add(shard.prompts().get(k));
            seeds.add(shard.seeds().get(k));
        }
        return new LaddBatch(latents, shape, prompts, seeds);
    }
}
