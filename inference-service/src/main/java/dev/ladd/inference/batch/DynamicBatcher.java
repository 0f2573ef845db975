package dev.ladd.inference.batch;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Dynamic batching: requests wait in one bounded queue; one worker thread takes the oldest request and, with it,
 * the later ones of the same alias and step count, up to {@code maxBatchSize} images, and makes them in one model
 * call. The oldest request waits at most {@code maxBatchWait} for company; under load the queue fills while a
 * batch runs, so batches fill without waiting. A request of n images is never split. Requests of other aliases or
 * step counts stay queued in their order. A full queue refuses at once ({@link QueueFullException}).
 *
 * <p>One worker, because a model call already uses every core libtorch is given: two calls at once would only
 * make both slower. Each image depends only on its prompt, seed and step count, never on its batch.
 */
public final class DynamicBatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DynamicBatcher.class);

    /**
     * @param maxBatchSize      images per model call at most
     * @param maxBatchWait      how long the oldest request waits for company
     * @param queueCapacity     requests waiting at most
     * @param retryAfterSeconds what a refusal tells the client to wait
     */
    public record Settings(int maxBatchSize, Duration maxBatchWait, int queueCapacity, long retryAfterSeconds) {
        public Settings {
            if (maxBatchSize < 1 || queueCapacity < 1 || maxBatchWait.isNegative() || retryAfterSeconds < 1) {
                throw new IllegalArgumentException("batching needs maxBatchSize >= 1, queueCapacity >= 1, maxBatchWait >= 0"
                        + " and retryAfterSeconds >= 1");
            }
        }
    }

    /** n images of one prompt with seeds seed, seed + 1, …, seed + n − 1. */
    public record Request(String alias, String prompt, int n, int steps, long seed) {
        public Request {
            if (n < 1 || steps < 1) {
                throw new IllegalArgumentException("a request needs n >= 1 and steps >= 1");
            }
        }

        boolean sameBatchAs(Request other) {
            return steps == other.steps && alias.equals(other.alias);
        }
    }

    /**
     * A request's images, [n][C · S · S] in [−1, 1], with the model that made them and the time it waited in the
     * queue and in its model call.
     */
    public record Result(String checkpointId, long revision, int channels, int size, float[][] images,
                         long queueNanos, long generateNanos, int batchImages) {
    }

    private record Job(Request request, long enqueuedNanos, CompletableFuture<Result> result) {
    }

    private final Settings settings;
    private final ImageGenerator generator;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Job> waiting = new ArrayDeque<>();
    private final Thread worker;
    private final DistributionSummary batchImages;
    private final Timer queueWait;
    private final Timer generation;
    private volatile boolean running = true;

    public DynamicBatcher(Settings settings, ImageGenerator generator, MeterRegistry meters) {
        this.settings = settings;
        this.generator = generator;
        Gauge.builder("ladd.inference.queue.depth", this, DynamicBatcher::queueDepth)
                .description("requests waiting for a batch").register(meters);
        Gauge.builder("ladd.inference.queue.capacity", settings, Settings::queueCapacity)
                .description("requests that may wait at most").register(meters);
        this.batchImages = DistributionSummary.builder("ladd.inference.batch.size").baseUnit("images")
                .description("images per model call").publishPercentileHistogram().minimumExpectedValue(1.0)
                .maximumExpectedValue((double) Math.max(2, settings.maxBatchSize())).register(meters);
        this.queueWait = Timer.builder("ladd.inference.queue.wait").description("time a request waited for its batch")
                .publishPercentileHistogram().register(meters);
        this.generation = Timer.builder("ladd.inference.generation").description("time of one batch's model call")
                .publishPercentileHistogram().register(meters);
        this.worker = new Thread(this::work, "ladd-inference-batcher");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Queues a request.
     *
     * @return its images once its batch has run; completed exceptionally with {@link NoModelException} when the
     * alias has no model at that time, or {@link GenerationFailedException}
     * @throws QueueFullException at once when {@code queueCapacity} requests are waiting
     */
    public CompletableFuture<Result> submit(Request request) {
        CompletableFuture<Result> result = new CompletableFuture<>();
        lock.lock();
        try {
            if (!running) {
                throw shuttingDown();
            }
            if (waiting.size() >= settings.queueCapacity()) {
                throw new QueueFullException(settings.queueCapacity(), settings.retryAfterSeconds());
            }
            waiting.addLast(new Job(request, System.nanoTime(), result));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return result;
    }

    /** Requests waiting for a batch now. */
    public int queueDepth() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        while (running) {
            List<Job> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                break;
            }
            if (batch != null) {
                run(batch);
            }
        }
    }

    /** Waits for a batch as described in the class comment; null when stopping. */
    private List<Job> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (running && waiting.isEmpty()) {
                changed.await();
            }
            if (!running) {
                return null;
            }
            Job head = waiting.peekFirst();
            long deadline = head.enqueuedNanos() + settings.maxBatchWait().toNanos();
            while (running && imagesWaitingFor(head.request()) < settings.maxBatchSize()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
            }
            if (!running) {
                return null;
            }
            return take(head.request());
        } finally {
            lock.unlock();
        }
    }

    private int imagesWaitingFor(Request head) {
        int images = 0;
        for (Job job : waiting) {
            if (job.request().sameBatchAs(head)) {
                images += job.request().n();
            }
        }
        return images;
    }

    /** Removes the oldest requests of the head's kind while they fit (the head always goes). */
    private List<Job> take(Request head) {
        List<Job> batch = new ArrayList<>();
        int images = 0;
        for (Iterator<Job> it = waiting.iterator(); it.hasNext(); ) {
            Job job = it.next();
            if (!job.request().sameBatchAs(head)) {
                continue;
            }
            if (!batch.isEmpty() && images + job.request().n() > settings.maxBatchSize()) {
                break;
            }
            batch.add(job);
            images += job.request().n();
            it.remove();
        }
        return batch;
    }

    private void run(List<Job> batch) {
        long start = System.nanoTime();
        Request first = batch.get(0).request();
        List<String> prompts = new ArrayList<>();
        List<Long> seeds = new ArrayList<>();
        for (Job job : batch) {
            for (int i = 0; i < job.request().n(); i++) {
                prompts.add(job.request().prompt());
                seeds.add(job.request().seed() + i);
            }
        }
        for (Job job : batch) {
            queueWait.record(start - job.enqueuedNanos(), TimeUnit.NANOSECONDS);
        }
        batchImages.record(prompts.size());
        ImageGenerator.Generation g;
        try {
            g = generator.generate(first.alias(), first.steps(), prompts, seeds);
        } catch (NoModelException e) {
            batch.forEach(job -> job.result().completeExceptionally(e));
            return;
        } catch (RuntimeException | Error e) {
            log.error("a batch of {} images for alias '{}' failed", prompts.size(), first.alias(), e);
            GenerationFailedException failure = new GenerationFailedException("image generation failed; the server log has the details", e);
            batch.forEach(job -> job.result().completeExceptionally(failure));
            return;
        }
        long generateNanos = System.nanoTime() - start;
        generation.record(generateNanos, TimeUnit.NANOSECONDS);
        int per = g.channels() * g.size() * g.size();
        if (g.images().length != prompts.size() * per) {
            GenerationFailedException failure = new GenerationFailedException("the model made " + g.images().length
                    + " values for " + prompts.size() + " images of " + per, null);
            batch.forEach(job -> job.result().completeExceptionally(failure));
            return;
        }
        int offset = 0;
        for (Job job : batch) {
            float[][] images = new float[job.request().n()][];
            for (int i = 0; i < images.length; i++) {
                images[i] = Arrays.copyOfRange(g.images(), offset, offset + per);
                offset += per;
            }
            job.result().complete(new Result(g.checkpointId(), g.revision(), g.channels(), g.size(), images,
                    start - job.enqueuedNanos(), generateNanos, prompts.size()));
        }
    }

    private static ShuttingDownException shuttingDown() {
        return new ShuttingDownException();
    }

    /** Stops taking requests; the running batch ends; the waiting ones are answered 503. */
    @Override
    public void close() {
        List<Job> left;
        lock.lock();
        try {
            running = false;
            left = new ArrayList<>(waiting);
            waiting.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        left.forEach(job -> job.result().completeExceptionally(shuttingDown()));
        try {
            worker.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
