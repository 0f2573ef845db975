package dev.ladd.ml.ladd;

import dev.ladd.ml.data.LatentShard;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * The one way LADD batches are drawn: trainer-service's distillation job (shards arriving from the teacher,
 * request by request) and the offline {@code distill} command (one in-memory shard, {@link #inMemory}).
 * Not thread-safe (it keeps the last permutation); each run's training thread has its own.
 */
public final class ShardSampler {

    /** One sample's address. */
    public record Position(int request, int shard, int index) {
    }

    /** Where the shards come from: the shard a position names, or null while it has not arrived yet. */
    @FunctionalInterface
    public interface Shards<E extends Exception> {
        LatentShard shard(int request, int shard) throws E;
    }

    /** A shard holds fewer samples than the sampler was set up for. */
    public static final class ShortShardException extends IllegalStateException {
        ShortShardException(String message) {
            super(message);
        }
    }

    private final int samplesPerRequest;
    private final int shardSize;
    private final int requests;
    private final int batchSize;
    private final long seed;

    public ShardSampler(int samplesPerRequest, int shardSize, int requests, int batchSize, long seed) {
        this.samplesPerRequest = samplesPerRequest;
        this.shardSize = shardSize;
        this.requests = requests;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    /** The sampler of one in-memory dataset of {@code samples} samples: one request of one shard. */
    public static ShardSampler inMemory(int samples, int batchSize, long seed) {
        return new ShardSampler(samples, samples, 1, batchSize, seed);
    }

    /** Iteration i's batch, or empty while a shard it needs has not arrived yet. */
    public <E extends Exception> Optional<LaddBatch> batch(long iteration, Shards<E> shards) throws E {
        List<LatentShard> sources = new ArrayList<>(batchSize);
        List<Integer> indices = new ArrayList<>(batchSize);
        for (int j = 0; j < batchSize; j++) {
            Position at = at(iteration, j);
            LatentShard shard = shards.shard(at.request(), at.shard());
            if (shard == null) {
                return Optional.empty();
            }
            if (at.index() >= shard.count()) {
                throw new ShortShardException("shard " + at.request() + "/" + at.shard() + " holds " + shard.count()
                        + " samples; the run expects " + (at.index() + 1) + " or more (synthetic-data settings changed?)");
            }
            sources.add(shard);
            indices.add(at.index());
        }
        return Optional.of(LaddBatch.gather(sources, indices));
    }

    /** Iteration i's batch of an {@link #inMemory} sampler's dataset. */
    public LaddBatch batch(long iteration, LatentShard data) {
        return batch(iteration, (request, shard) -> data).orElseThrow();
    }

    /** Sample j of iteration i (0-based). */
    public Position at(long iteration, int j) {
        long p = iteration * batchSize + j;
        long epoch = p / datasetSize();
        int request = requestOf(p);
        int inRequest = (int) (p % datasetSize()) % samplesPerRequest;
        int shard = inRequest / shardSize;
        int size = Math.min(shardSize, samplesPerRequest - shard * shardSize);
        return new Position(request, shard, permutation(epoch, request, shard, size)[inRequest % shardSize]);
    }

    /** The highest request iteration i reads from. */
    public int lastRequestOf(long iteration) {
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
