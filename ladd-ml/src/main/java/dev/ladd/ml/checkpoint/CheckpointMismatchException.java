package dev.ladd.ml.checkpoint;

import java.io.IOException;
import java.util.List;

/**
 * Weights that do not fit a block: parameters the file lacks, tensors the block has no parameter for,
 * and shapes that differ. Nothing was loaded when this is thrown.
 */
public class CheckpointMismatchException extends IOException {

    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> shapeMismatches;

    public CheckpointMismatchException(List<String> missing, List<String> unexpected, List<String> shapeMismatches) {
        super(describe(missing, unexpected, shapeMismatches));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.shapeMismatches = List.copyOf(shapeMismatches);
    }

    /** Parameters of the block that the file has no tensor for. */
    public List<String> missing() {
        return missing;
    }

    /** Tensors of the file that are no parameter of the block. */
    public List<String> unexpected() {
        return unexpected;
    }

    /** One line per parameter whose shape differs, naming both shapes. */
    public List<String> shapeMismatches() {
        return shapeMismatches;
    }

    private static String describe(List<String> missing, List<String> unexpected, List<String> shapeMismatches) {
        StringBuilder message = new StringBuilder("checkpoint does not fit the block");
        if (!missing.isEmpty()) {
            message.append("; missing in the file: ").append(missing);
        }
        if (!unexpected.isEmpty()) {
            message.append("; unexpected tensors (no such parameter): ").append(unexpected);
        }
        if (!shapeMismatches.isEmpty()) {
            message.append("; shape mismatch: ").append(String.join(", ", shapeMismatches));
        }
        return message.toString();
    }
}
