package dev.ladd.eval.scoring;

import org.springframework.stereotype.Component;

import java.util.Optional;

/** What this instance's scoring worker is doing now, for the API. */
@Component
public class ScoringStatus {

    private volatile ScoringProgress current;

    void begin(ScoringProgress progress) {
        current = progress;
    }

    void end(ScoringProgress progress) {
        if (current == progress) {
            current = null;
        }
    }

    public Optional<ScoringProgress.Snapshot> current() {
        ScoringProgress progress = current;
        return progress == null ? Optional.empty() : Optional.of(progress.snapshot());
    }
}
