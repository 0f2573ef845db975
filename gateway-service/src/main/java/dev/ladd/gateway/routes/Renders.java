package dev.ladd.gateway.routes;

import dev.ladd.gateway.GatewayProperties;
import dev.ladd.gateway.Problems;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Shields the services from renders (proxied GETs of PNGs: sample grids) that any viewer may ask for: a bounded number
 * run at once, a bounded number wait, the rest get a 503 with Retry-After; 200 answers are cached
 * ({@link GatewayProperties.Renders}). Per gateway instance: N replicas allow N × {@code maxConcurrent}.
 */
@Component
class Renders {

    private final GatewayProperties.Renders settings;
    private final Semaphore running;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Cache cache;
    private final Counter hits;
    private final Counter refused;

    Renders(GatewayProperties properties, Clock clock, MeterRegistry meters) {
        this.settings = properties.routes().renders();
        this.running = new Semaphore(settings.maxConcurrent(), true);
        this.cache = new Cache(settings.cacheBytes().toBytes(), settings.cacheTtl(), clock);
        this.hits = Counter.builder("ladd.gateway.renders.cache.hits").register(meters);
        this.refused = Counter.builder("ladd.gateway.renders.refused")
                .description("renders refused because too many ran or waited").register(meters);
        Gauge.builder("ladd.gateway.renders.running", running,
                s -> settings.maxConcurrent() - s.availablePermits()).register(meters);
        Gauge.builder("ladd.gateway.renders.waiting", waiting, AtomicInteger::get).register(meters);
    }

    /** Whether a proxied request is a render: a GET (or HEAD) of a PNG. */
    static boolean isRender(String method, String path) {
        return (method.equals("GET") || method.equals("HEAD")) && path.endsWith(".png");
    }

    /** The cached answer for {@code key}, or {@code render}'s within the bounds (a 200 is then cached). */
    ResponseEntity<byte[]> answer(String key, Supplier<ResponseEntity<byte[]>> render) {
        ResponseEntity<byte[]> cached = cache.get(key);
        if (cached != null) {
            hits.increment();
            return cached;
        }
        acquire();
        try {
            cached = cache.get(key);   // rendered meanwhile for another caller
            if (cached != null) {
                hits.increment();
                return cached;
            }
            ResponseEntity<byte[]> answer = render.get();
            if (answer.getStatusCode().value() == 200 && answer.getBody() != null) {
                cache.put(key, answer);
            }
            return answer;
        } finally {
            running.release();
        }
    }

    private void acquire() {
        if (running.tryAcquire()) {
            return;
        }
        if (waiting.incrementAndGet() > settings.maxWaiting()) {
            waiting.decrementAndGet();
            throw busy("renders are at capacity (" + settings.maxConcurrent() + " running, " + settings.maxWaiting()
                    + " waiting)");
        }
        try {
            if (!running.tryAcquire(settings.maxWait().toMillis(), TimeUnit.MILLISECONDS)) {
                throw busy("no render slot became free within " + settings.maxWait().toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy("interrupted while waiting for a render slot");
        } finally {
            waiting.decrementAndGet();
        }
    }

    private ErrorResponseException busy(String why) {
        refused.increment();
        ErrorResponseException e = Problems.unavailable(why + "; sample grids are computed on demand, try again in "
                + settings.retryAfter().toSeconds() + " s");
        e.getHeaders().set("Retry-After", Long.toString(settings.retryAfter().toSeconds()));
        return e;
    }

    /** A least-recently-used cache bounded by the bytes of its bodies, each entry kept at most {@code ttl}. */
    static final class Cache {

        private record Entry(ResponseEntity<byte[]> answer, Instant expires) {
        }

        private final long maxBytes;
        private final Duration ttl;
        private final Clock clock;
        private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
        private long bytes;

        Cache(long maxBytes, Duration ttl, Clock clock) {
            this.maxBytes = maxBytes;
            this.ttl = ttl;
            this.clock = clock;
        }

        synchronized ResponseEntity<byte[]> get(String key) {
            Entry entry = entries.get(key);
            if (entry == null) {
                return null;
            }
            if (!clock.instant().isBefore(entry.expires())) {
                remove(key);
                return null;
            }
            return entry.answer();
        }

        synchronized void put(String key, ResponseEntity<byte[]> answer) {
            long size = answer.getBody().length;
            if (size > maxBytes || ttl.isZero()) {
                return;
            }
            remove(key);
            entries.put(key, new Entry(answer, clock.instant().plus(ttl)));
            bytes += size;
            Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
            while (bytes > maxBytes && eldest.hasNext()) {
                bytes -= eldest.next().getValue().answer().getBody().length;
                eldest.remove();
            }
        }

        private void remove(String key) {
            Entry old = entries.remove(key);
            if (old != null) {
                bytes -= old.answer().getBody().length;
            }
        }
    }
}
