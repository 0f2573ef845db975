package dev.ladd.teacher.synthetic;

import java.util.List;

/** An accepted synthetic-data request as the generator sees it, with the shards already produced. */
record GenerationJob(String requestId, String runId, String teacherId, int numSamples, int shardSize, int samplerSteps,
                     float cfgScale, long seed, List<String> prompts, int shardsDone) {

    int shardCount() {
        return (numSamples + shardSize - 1) / shardSize;
    }
}
