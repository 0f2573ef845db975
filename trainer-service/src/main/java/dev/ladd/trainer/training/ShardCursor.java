package dev.ladd.trainer.training;

import java.util.Random;

/**
 * Where each sample of each iteration comes from: a pure function of the iteration, so a resumed run
 * reads exactly the samples the interrupted one would have (no shard position needs saving).
 * <pre>
 *   dataset D = requests × R samples; request k has ⌈R / S⌉ shards of S samples (the last may be smaller)
 *   sample j of iteration i: p = i·B + j,  epoch e = ⌊p / D⌋,  q = p mod D
 *   request k = ⌊q / R⌋,  shard s = ⌊(q mod R) / S⌋,  position in the shard = π_{e,k,s}((q mod R) mod S)
 * </pre>
 * π is a permutation of the shard drawn from (seed, e, k, s): shards are read in order, shuffled inside.
 * Not thread-safe (it keeps the last permutation); each run's training thread has its own.
 */
final class ShardCursor {

    /** One sample's address. */
    record Position(int request, int shard, int index) {
    }

    private final int samplesPerRequest;
    private final int shardSize;
    private final int requests;
    private final int batchSize;
    private final long seed;

    ShardCursor(int samplesPerRequest, int shardSize, int requests, int batchSize, long seed) {
        this.samplesPerRequest = samplesPerRequest;
        this.shardSize = shardSize;
        this.requests = requests;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    /** Sample j of iteration i (0-based). */
    Position at(long iteration, int j) {
        long p = iteration * batchSize + j;
        long epoch = p / datasetSize();
        int request = requestOf(p);
        int inRequest = (int) (p % datasetSize()) % samplesPerRequest;
        int shard = inRequest / shardSize;
        int size = Math.min(shardSize, samplesPerRequest - shard * shardSize);
        return new Position(request, shard, permutation(epoch, request, shard, size)[inRequest % shardSize]);
    }

    /** The highest request iteration i reads from. */
    int lastRequestOf(long iteration) {
        int last = 0;
        for (int j = 0; j < batchSize; j++) {
            last = Math.max(last, requestOf(iteration * batchSize + j));
        }
        return last;
    }

    private long datasetSize() {
        return (long) requests * samplesPerRequest;
    }

    /** The request of sample position p (no shard permutation needed). */
    private int requestOf(long p) {
        return (int) (p % datasetSize()) / samplesPerRequest;
    }

    /** The permutation of the shard read last: a batch's samples almost always come from one shard. */
    private long[] cachedFor = {};
    private int[] cached;

    private int[] permutation(long epoch, int request, int shard, int size) {
        long[] key = {epoch, request, shard, size};
        if (java.util.Arrays.equals(key, cachedFor)) {
            return cached;
        }
        cachedFor = key;
        cached = shuffled(epoch, request, shard, size);
        return cached;
    }

    private int[] shuffled(long epoch, int request, int shard, int size) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Random rng = new Random(((seed * 1_000_003L + epoch) * 1_009L + request) * 10_007L + shard);
        for (int i = size - 1; i > 0; i--) {
            int k = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[k];
            order[k] = t;
        }
        return order;
    }
}
