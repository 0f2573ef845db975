package dev.ladd.gateway.keys;

import org.springframework.stereotype.Component;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * One token bucket per key, in this gateway instance's memory: a key may send {@code ratePerMinute} requests at
 * once and then one every {@code 60 / ratePerMinute} seconds. With N gateway replicas a key gets up to N times
 * its rate (docs/adr/010-gateway-keys-roles-and-promotion.md).
 */
@Component
public class RateLimiter {

    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    public RateLimiter() {
        this(System::nanoTime);
    }

    RateLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** @return 0 when the request may go on, else the whole seconds until a token is free (for Retry-After) */
    public long acquire(String keyName, int ratePerMinute) {
        Bucket bucket = buckets.compute(keyName, (k, b) -> b == null || b.rate != ratePerMinute
                ? new Bucket(ratePerMinute, nanoTime.getAsLong()) : b);
        return bucket.take(nanoTime.getAsLong());
    }

    private static final class Bucket {
        private final int rate;
        private double tokens;
        private long last;

        Bucket(int rate, long now) {
            this.rate = rate;
            this.tokens = rate;
            this.last = now;
        }

        synchronized long take(long now) {
            double perNano = rate / 60e9;
            tokens = Math.min(rate, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano / 1e9);
        }
    }
}
