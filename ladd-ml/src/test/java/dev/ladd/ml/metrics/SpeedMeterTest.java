package dev.ladd.ml.metrics;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SpeedMeterTest {

    /** A model on a fake clock: a call for n images takes 5 ms + 2 ms · n, and its first call 1 s more. */
    static final class FakeModel implements SpeedMeter.ImageMaker {
        long now;
        int calls;
        final List<List<String>> asked = new ArrayList<>();

        @Override
        public float[] images(List<String> prompts, List<Long> seeds) {
            now += 5_000_000L + 2_000_000L * prompts.size() + (calls++ == 0 ? 1_000_000_000L : 0);
            asked.add(List.copyOf(prompts));
            return new float[prompts.size()];
        }
    }

    static List<String> prompts(int n) {
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            prompts.add("prompt " + i);
        }
        return prompts;
    }

    static List<Long> seeds(int n) {
        List<Long> seeds = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            seeds.add(i);
        }
        return seeds;
    }

    @Test
    void timesOneImageAndSixtyFourImagesPerCallAfterUntimedWarmUpCalls() {
        FakeModel model = new FakeModel();

        SpeedMeter.Speed speed = new SpeedMeter(1, 3, () -> model.now).measure(model, prompts(100), seeds(100));

        assertThat(speed.msPerImageBatch1()).isCloseTo(7.0, within(1e-9));                // the slow first call was warm-up
        assertThat(speed.msPerImageBatch64()).isCloseTo((5.0 + 2.0 * 64) / 64, within(1e-9));
        assertThat(speed.imagesPerSecond()).isCloseTo(1000.0 / ((5.0 + 128) / 64), within(1e-9));
        assertThat(model.calls).isEqualTo(2 * (1 + 3));
        // batch 1 walks through the evaluation set; batch 64 is its first 64 prompts
        assertThat(model.asked.subList(0, 4)).containsExactly(List.of("prompt 0"), List.of("prompt 1"),
                List.of("prompt 2"), List.of("prompt 3"));
        assertThat(model.asked.get(4)).isEqualTo(prompts(64));
    }

    @Test
    void theMedianIgnoresAnOccasionalSlowCall() {
        long[] now = {0};
        int[] call = {0};
        SpeedMeter.ImageMaker hiccup = (p, s) -> {
            now[0] += call[0]++ == 1 ? 500_000_000L : 10_000_000L;   // the second timed batch-1 call stalls
            return new float[1];
        };

        SpeedMeter.Speed speed = new SpeedMeter(0, 3, () -> now[0]).measure(hiccup, prompts(64), seeds(64));

        assertThat(speed.msPerImageBatch1()).isCloseTo(10.0, within(1e-9));
        assertThat(SpeedMeter.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    }

    @Test
    void refusesTooFewPromptsAndNonsensicalCounts() {
        FakeModel model = new FakeModel();
        SpeedMeter meter = new SpeedMeter(0, 1, () -> model.now);

        assertThatThrownBy(() -> meter.measure(model, prompts(10), seeds(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 64");
        assertThatThrownBy(() -> new SpeedMeter(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> meter.measure((p, s) -> new float[0], prompts(64), seeds(64)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> meter.measure(model, prompts(64), Collections.nCopies(63, 0L)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
