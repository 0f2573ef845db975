package dev.ladd.trainer.training;

import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.data.LatentShard;
import dev.ladd.ml.ladd.LaddBatch;
import dev.ladd.ml.ladd.ShardSampler;
import dev.ladd.trainer.run.RunRepository;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A run's synthetic latents as batches. Shards are read from the blob store on first use, verified
 * against their sha256 (the blob store refuses a mismatch) and kept in memory; a shard that fails its
 * checksum or does not hold what its event said is never trained on: the run fails with the reason.
 */
final class RunData {

    private final String runId;
    private final RunRepository runs;
    private final BlobStore blobs;
    private final ShardSampler sampler;
    private final Map<String, LatentShard> loaded = new HashMap<>();

    RunData(String runId, RunRepository runs, BlobStore blobs, ShardSampler sampler) {
        this.runId = runId;
        this.runs = runs;
        this.blobs = blobs;
        this.sampler = sampler;
    }

    /** Iteration i's batch, or empty while a shard it needs has not arrived yet. */
    Optional<LaddBatch> batch(long iteration) throws InvalidShardException {
        try {
            return sampler.batch(iteration, this::shard);
        } catch (ShardSampler.ShortShardException e) {
            throw new InvalidShardException(e.getMessage());
        }
    }

    private LatentShard shard(int request, int index) throws InvalidShardException {
        String key = request + "/" + index;
        LatentShard shard = loaded.get(key);
        if (shard != null) {
            return shard;
        }
        RunRepository.Shard row = runs.shards(runId).stream()
                .filter(s -> s.requestIndex() == request && s.shardIndex() == index).findFirst().orElse(null);
        if (row == null) {
            return null;
        }
        try {
            shard = LatentShard.fromSafetensors(blobs.get(row.blob()));
        } catch (IOException e) {
            throw new InvalidShardException("shard " + key + " (blob " + row.blob().sha256() + ") cannot be used: "
                    + e.getMessage());
        }
        if (shard.count() != row.count()) {
            throw new InvalidShardException("shard " + key + " holds " + shard.count() + " samples, its event said "
                    + row.count());
        }
        loaded.put(key, shard);
        return shard;
    }

    static final class InvalidShardException extends Exception {
        InvalidShardException(String message) {
            super(message);
        }
    }
}
