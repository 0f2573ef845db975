package dev.ladd.inference.web;

import dev.ladd.inference.InferenceProperties;
import dev.ladd.inference.batch.DynamicBatcher;
import dev.ladd.inference.batch.NoModelException;
import dev.ladd.inference.model.ServingModels;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The internal images API the gateway calls: {@code POST /api/v1/images}. The request is validated (400), refused
 * at once when the alias has no model (503) or the queue is full (429, Retry-After), else queued for a batch;
 * the servlet thread is not held while it waits. The PNGs are encoded off the batch worker.
 */
@RestController
@RequestMapping("/api/v1/images")
class ImagesController {

    private final DynamicBatcher batcher;
    private final ServingModels models;
    private final InferenceProperties properties;
    private final Timer total;
    private final MeterRegistry meters;
    private final ExecutorService encoders = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
        Thread t = new Thread(r, "ladd-inference-png");
        t.setDaemon(true);
        return t;
    });

    ImagesController(DynamicBatcher batcher, ServingModels models, InferenceProperties properties, MeterRegistry meters) {
        this.batcher = batcher;
        this.models = models;
        this.properties = properties;
        this.meters = meters;
        this.total = Timer.builder("ladd.inference.request").description("time from a request's arrival to its answer")
                .publishPercentileHistogram().register(meters);
    }

    @PostMapping
    CompletableFuture<ImagesResponse> generate(@Valid @RequestBody ImagesRequest body) {
        long arrived = System.nanoTime();
        String alias = body.aliasOrDefault();
        if (models.current(alias).isEmpty()) {
            meters.counter("ladd.inference.requests.refused", "reason", "no-model").increment();
            throw new NoModelException(alias, properties.retryAfterSeconds());
        }
        long seed = body.seed() != null ? body.seed() : ThreadLocalRandom.current().nextLong(ImagesRequest.MAX_SEED - 8);
        if (seed + body.nOrDefault() - 1 > ImagesRequest.MAX_SEED) {
            throw new IllegalArgumentException("seed + n - 1 must be at most " + ImagesRequest.MAX_SEED + ", got seed " + seed);
        }
        int steps = body.stepsOrDefault();
        CompletableFuture<DynamicBatcher.Result> result;
        try {
            result = batcher.submit(new DynamicBatcher.Request(alias, body.prompt(), body.nOrDefault(), steps, seed));
        } catch (RuntimeException e) {
            meters.counter("ladd.inference.requests.refused", "reason", "queue-full").increment();
            throw e;
        }
        int size = body.sizeOrDefault();
        return result.thenApplyAsync(r -> {
            if (size % r.size() != 0) {
                throw new IllegalArgumentException("size must be a multiple of the model's image edge " + r.size() + ", got " + size);
            }
            List<ImagesResponse.Image> images = new ArrayList<>();
            for (int i = 0; i < r.images().length; i++) {
                byte[] png = PngImages.png(r.images()[i], r.channels(), r.size(), size);
                images.add(new ImagesResponse.Image(seed + i, Base64.getEncoder().encodeToString(png)));
            }
            total.record(System.nanoTime() - arrived, TimeUnit.NANOSECONDS);
            return new ImagesResponse(alias, r.checkpointId(), r.revision(), steps, images,
                    r.queueNanos() / 1e6, r.generateNanos() / 1e6);
        }, encoders);
    }

    @PreDestroy
    void stop() {
        encoders.shutdown();
    }
}
