package dev.ladd.inference.batch;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The queue and its worker, with a fake generator whose image i is filled with (seed_i, steps). */
class DynamicBatcherTest {

    /** Records every call; each image is 4 values: seed, steps, prompt length, the call's size. */
    static final class FakeGenerator implements ImageGenerator {
        final List<List<Long>> calls = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public Generation generate(String alias, int steps, List<String> prompts, List<Long> seeds) {
            entered.countDown();
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            calls.add(List.copyOf(seeds));
            float[] images = new float[seeds.size() * 4];
            for (int i = 0; i < seeds.size(); i++) {
                images[4 * i] = seeds.get(i);
                images[4 * i + 1] = steps;
                images[4 * i + 2] = prompts.get(i).length();
                images[4 * i + 3] = seeds.size();
            }
            return new Generation("ckpt-" + alias, 7, 1, 2, images);
        }
    }

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    DynamicBatcher batcher;

    @AfterEach
    void close() {
        if (batcher != null) {
            batcher.close();
        }
    }

    @Test
    void requestsWaitingTogetherAreMadeInOneCallUpToTheMaximumAndEachGetsItsOwnSeeds() {
        FakeGenerator generator = new FakeGenerator();
        generator.gate = new CountDownLatch(1);
        batcher = new DynamicBatcher(new DynamicBatcher.Settings(5, Duration.ofMillis(5), 100, 1), generator, meters);
        CompletableFuture<DynamicBatcher.Result> blocker = batcher.submit(new DynamicBatcher.Request("a", "first", 1, 2, 1000));
        await().until(() -> generator.entered.getCount() == 0);
        List<CompletableFuture<DynamicBatcher.Result>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(batcher.submit(new DynamicBatcher.Request("a", "p" + i, 2, 2, 100L * i)));   // 8 images: 2 + 2 calls of ≤ 5
        }
        assertThat(batcher.queueDepth()).isEqualTo(4);
        generator.gate.countDown();

        assertThat(blocker.join().images()).hasNumberOfRows(1);
        for (int i = 0; i < 4; i++) {
            DynamicBatcher.Result r = results.get(i).join();
            assertThat(r.checkpointId()).isEqualTo("ckpt-a");
            assertThat(r.images()).hasNumberOfRows(2);
            assertThat(r.images()[0][0]).isEqualTo(100f * i);       // image j of a request with seed s has seed s + j
            assertThat(r.images()[1][0]).isEqualTo(100f * i + 1);
            assertThat(r.images()[0][2]).isEqualTo(("p" + i).length());
        }
        assertThat(generator.calls).containsExactly(List.of(1000L), List.of(0L, 1L, 100L, 101L), List.of(200L, 201L, 300L, 301L));
        assertThat(meters.find("ladd.inference.batch.size").summary().count()).isEqualTo(3);
        assertThat(meters.find("ladd.inference.batch.size").summary().max()).isEqualTo(4);
    }

    @Test
    void onlyRequestsOfTheSameAliasAndStepCountShareACall() {
        FakeGenerator generator = new FakeGenerator();
        generator.gate = new CountDownLatch(1);
        batcher = new DynamicBatcher(new DynamicBatcher.Settings(16, Duration.ofMillis(5), 100, 1), generator, meters);
        CompletableFuture<DynamicBatcher.Result> blocker = batcher.submit(new DynamicBatcher.Request("a", "x", 1, 1, 1));
        await().until(() -> generator.entered.getCount() == 0);
        CompletableFuture<DynamicBatcher.Result> a4 = batcher.submit(new DynamicBatcher.Request("a", "x", 1, 4, 10));
        CompletableFuture<DynamicBatcher.Result> a2 = batcher.submit(new DynamicBatcher.Request("a", "x", 1, 2, 20));
        CompletableFuture<DynamicBatcher.Result> b4 = batcher.submit(new DynamicBatcher.Request("b", "x", 1, 4, 30));
        CompletableFuture<DynamicBatcher.Result> a4again = batcher.submit(new DynamicBatcher.Request("a", "x", 1, 4, 40));
        generator.gate.countDown();

        CompletableFuture.allOf(blocker, a4, a2, b4, a4again).join();
        assertThat(generator.calls).containsExactly(List.of(1L), List.of(10L, 40L), List.of(20L), List.of(30L));
        assertThat(a4.join().images()[0][1]).isEqualTo(4f);
        assertThat(a2.join().images()[0][1]).isEqualTo(2f);
        assertThat(b4.join().checkpointId()).isEqualTo("ckpt-b");
    }

    @Test
    void aFullQueueRefusesAtOnceWithRetryAfterAndTheQueuedRequestsStillComplete() {
        FakeGenerator generator = new FakeGenerator();
        generator.gate = new CountDownLatch(1);
        batcher = new DynamicBatcher(new DynamicBatcher.Settings(1, Duration.ZERO, 2, 3), generator, meters);
        CompletableFuture<DynamicBatcher.Result> running = batcher.submit(new DynamicBatcher.Request("a", "x", 1, 1, 1));
        await().until(() -> generator.entered.getCount() == 0);
        CompletableFuture<DynamicBatcher.Result> q1 = batcher.submit(new DynamicBatcher.Request("a", "x", 1, 1, 2));
        CompletableFuture<DynamicBatcher.Result> q2 = batcher.submit(new DynamicBatcher.Request("a", "x", 1, 1, 3));

        assertThatThrownBy(() -> batcher.submit(new DynamicBatcher.Request("a", "x", 1, 1, 4)))
                .isInstanceOfSatisfying(QueueFullException.class, e -> {
                    assertThat(e.capacity()).isEqualTo(2);
                    assertThat(e.retryAfterSeconds()).isEqualTo(3);
                });
        assertThat(meters.find("ladd.inference.queue.depth").gauge().value()).isEqualTo(2.0);
        generator.gate.countDown();
        assertThat(List.of(running.join(), q1.join(), q2.join())).extracting(r -> r.images()[0][0]).containsExactly(1f, 2f, 3f);
    }

    @Test
    void aLoneRequestRunsAfterTheMaximumWaitWithoutCompany() {
        FakeGenerator generator = new FakeGenerator();
        batcher = new DynamicBatcher(new DynamicBatcher.Settings(16, Duration.ofMillis(50), 10, 1), generator, meters);
        DynamicBatcher.Result r = batcher.submit(new DynamicBatcher.Request("a", "x", 3, 1, 5)).join();
        assertThat(r.batchImages()).isEqualTo(3);
        assertThat(r.queueNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(45).toNanos());
    }

    @Test
    void aGeneratorFailureFailsOnlyItsBatchAndNoModelStaysA503() {
        ImageGenerator failing = (alias, steps, prompts, seeds) -> {
            if (alias.equals("none")) {
                throw new NoModelException(alias, 2);
            }
            throw new IllegalStateException("boom");
        };
        batcher = new DynamicBatcher(new DynamicBatcher.Settings(4, Duration.ZERO, 10, 1), failing, meters);
        assertThat(batcher.submit(new DynamicBatcher.Request("none", "x", 1, 1, 1)))
                .failsWithin(Duration.ofSeconds(10)).withThrowableOfType(Exception.class)
                .havingCause().isInstanceOfSatisfying(NoModelException.class,
                        e -> assertThat(e.retryAfterSeconds()).isEqualTo(2));
        assertThat(batcher.submit(new DynamicBatcher.Request("a", "x", 1, 1, 1)))
                .failsWithin(Duration.ofSeconds(10)).withThrowableOfType(Exception.class)
                .havingCause().isInstanceOf(GenerationFailedException.class);
    }
}
