package dev.ladd.inference.cli;

import dev.ladd.inference.TinyServingModels;
import dev.ladd.ml.blob.FileSystemBlobStore;
import dev.ladd.platform.cli.CommandLineOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** bench-batching on a tiny model: it runs the three modes and says how many PNGs matched; bad options are exit 2. */
class InferenceCommandLineTest {

    @TempDir
    Path dir;

    @Test
    void benchBatchingPrintsEachModeAndTheRatios() throws Exception {
        TinyServingModels.folders(new FileSystemBlobStore(dir.resolve("blobs")), dir.resolve("student"), dir.resolve("teacher"), 3);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        InferenceCommandLine cli = new InferenceCommandLine(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        cli.benchBatching(CommandLineOptions.parse(new String[]{"bench-batching", "--student=" + dir.resolve("student"),
                "--teacher=" + dir.resolve("teacher"), "--concurrency=4", "--requests=12", "--warmup=2", "--steps=1",
                "--max-batch-size=4"}));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("| one at a time | 1 |", "| dynamic batching, fixed call shape | 4 |",
                "| dynamic batching, calls as large as the batch | 4 |", "× images/s");
        assertThat(out).contains("fixed call shape 12 of 12");
    }

    @Test
    void missingOrBadOptionsAreExitCode2() {
        assertThat(InferenceCommandLine.run(new String[]{"bench-batching"})).isEqualTo(2);
        assertThat(InferenceCommandLine.run(new String[]{"bench-batching", "--student=x", "--teacher=y", "--concurrency=0"}))
                .isEqualTo(2);
        assertThat(InferenceCommandLine.run(new String[]{"bench-batching", "--student=/no/such", "--teacher=/no/such"}))
                .isEqualTo(2);
    }
}
