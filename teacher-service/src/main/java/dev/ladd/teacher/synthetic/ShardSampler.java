package dev.ladd.teacher.synthetic;

import dev.ladd.ml.data.LatentShard;

import java.io.IOException;
import java.util.List;

/**
 * Samples one shard of a request with its teacher: the slow part of generation (tens of seconds for a real
 * shard), which {@link SyntheticDataGenerator} runs outside any transaction.
 */
interface ShardSampler {

    /**
     * @param prompts one per sample
     * @param seeds   one per sample
     * @throws IllegalArgumentException when the request can never be served this way (it fails without a retry)
     */
    LatentShard sample(GenerationJob job, List<String> prompts, List<Long> seeds) throws IOException;
}
