package dev.ladd.teacher.synthetic;

import java.util.List;

/**
 * An accepted synthetic-data request as the generator sees it, with the shards already produced.
 *
 * @param attempts attempts at its next shard so far (a claim counts one)
 * @param lapsed   whether it is still claimed by a worker whose lease ran out (that worker died or hangs)
 */
record GenerationJob(String requestId, String runId, String teacherId, int numSamples, int shardSize, int samplerSteps,
                     float cfgScale, long seed, List<String> prompts, int shardsDone, int attempts, boolean lapsed,
                     String lastError) {

    int shardCount() {
        return (numSamples + shardSize - 1) / shardSize;
    }
}
