package dev.ladd.ml.eval;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MeasurementProgressTest {

    private long now;

    @Test
    void linesCarryThePrefixTheCountsAndAnEtaFromThePaceOfTheWorkDoneHere() {
        Measurement.Target teacher = Measurement.Target.teacher(2, 1.5, 100);   // 4 evaluations per sample
        Measurement.Target student = Measurement.Target.student(1, 100);        // 1
        List<String> lines = new ArrayList<>();
        MeasurementProgress progress = new MeasurementProgress("the report", List.of(teacher, student), 0,
                Duration.ofSeconds(10), lines::add, () -> now);
        assertThat(progress.etaSeconds()).as("no pace yet").isNull();
        progress.alreadyDone(teacher, 50, false);   // made before: done, not towards the pace
        progress.working(teacher);

        now = 5_000_000_000L;
        progress.sampled(teacher, 25);   // 100 evaluations in 5 s; 100 + 100 left
        assertThat(lines).as("within the log interval").isEmpty();
        assertThat(progress.etaSeconds()).isEqualTo(10);
        now = 10_000_000_000L;
        progress.sampled(teacher, 25);   // 200 in 10 s; 100 left
        assertThat(lines).containsExactly(
                "the report: teacher@2+CFG1.5 [###############...............] 100/200 samples (50%), ETA 0m05s");

        progress.finished(teacher, new ModelScore(ModelScore.TEACHER, 2, 1.5, 12.345, 0.5, 0.25, 0.75, 3.0, 1.0, 1000, 100));
        assertThat(lines.get(1)).isEqualTo("the report: teacher@2+CFG1.5 over 100 samples: FID 12.35, precision 0.500, "
                + "recall 0.250, adherence 0.750, 3.00 ms/image (b1) — 100/200 samples (50%), ETA 0m05s");
        assertThat(progress.model()).isEqualTo("teacher@2+CFG1.5");
        assertThat(progress.doneSamples()).isEqualTo(100);
        assertThat(progress.totalSamples()).isEqualTo(200);
    }
}
