package dev.ladd.gateway.keys;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {

    @Test
    void aBucketHoldsOneMinutesRequestsAndRefillsAtTheRate() {
        AtomicLong now = new AtomicLong();
        RateLimiter limiter = new RateLimiter(now::get);
        for (int i = 0; i < 6; i++) {
            assertThat(limiter.acquire("k", 6)).isZero();
        }
        assertThat(limiter.acquire("k", 6)).isEqualTo(10);   // one token per 10 s
        now.addAndGet(4_000_000_000L);
        assertThat(limiter.acquire("k", 6)).isEqualTo(6);
        now.addAndGet(6_000_000_000L);
        assertThat(limiter.acquire("k", 6)).isZero();
        assertThat(limiter.acquire("other", 6)).isZero();
    }
}
