package dev.ladd.eval.teacher;

import dev.ladd.eval.EvalProperties;
import dev.ladd.eval.scoring.MetricsClassifier;
import dev.ladd.ml.checkpoint.BlockWeights;
import dev.ladd.ml.eval.BaselinesFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Imports the shipped baselines files ({@code ladd.eval.baseline-files}) at start, before the scoring worker starts,
 * so that a fresh platform never computes the default teacher's baselines. A file is imported only when the
 * teacher and autoencoder beside it have the sha256 it names and the configured metrics classifier is the one it
 * was measured with; a missing file is skipped, a malformed or mismatched one refused with one log line naming
 * what is wrong. Nothing here stops the service: without the file the baselines are computed when first needed.
 * Baselines known already (computed, or imported before) are kept.
 */
@Component
public class BaselineImport implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BaselineImport.class);

    private final EvalProperties properties;
    private final MetricsClassifier classifier;
    private final BaselineRepository baselines;
    private volatile boolean running;

    public BaselineImport(EvalProperties properties, MetricsClassifier classifier, BaselineRepository baselines) {
        this.properties = properties;
        this.classifier = classifier;
        this.baselines = baselines;
    }

    /** What became of one file. */
    public enum Result { IMPORTED, ABSENT, REFUSED }

    @Override
    public void start() {
        running = true;
        for (Path file : properties.baselineFiles()) {
            importFile(file);
        }
    }

    /** Imports one file, logging what became of it; never throws. */
    public Result importFile(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute)) {
            log.info("no baselines file at {} (ladd.eval.baseline-files): its teacher's baselines are computed when "
                    + "first needed", absolute);
            return Result.ABSENT;
        }
        try {
            BaselinesFile content = BaselinesFile.read(Files.readAllBytes(absolute));
            List<String> problems = content.problems();
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            Path folder = absolute.getParent();
            requireSha("its teacher", folder.resolve(content.teacher().weightsFile()), content.teacher().weightsSha256());
            requireSha("its teacher's autoencoder", folder.resolve(content.teacher().autoencoderWeightsFile()),
                    content.teacher().autoencoderWeightsSha256());
            String classifierSha = classifier.sha256();
            if (!classifierSha.equals(content.classifier().weightsSha256())) {
                throw new IllegalArgumentException("it was measured with metrics classifier " + content.classifier().weightsSha256()
                        + ", this service scores with " + classifierSha + " (ladd.eval.classifier-dir)");
            }
            int added = 0;
            for (BaselinesFile.Entry entry : content.baselines()) {
                if (baselines.insert(content.teacher().weightsSha256(), classifierSha, entry.score(), "imported from " + absolute)) {
                    added++;
                }
            }
            log.info("baselines file {}: teacher {} — {} baselines imported, {} known already (made {} by: {})", absolute,
                    content.teacher().weightsSha256(), added, content.baselines().size() - added,
                    content.provenance().get("date"), content.provenance().get("command"));
            return Result.IMPORTED;
        } catch (IOException | RuntimeException e) {
            log.error("baselines file {} refused, nothing imported: {}", absolute, e.getMessage());
            return Result.REFUSED;
        }
    }

    private static void requireSha(String what, Path file, String expected) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " " + file + " is not there to check it against");
        }
        String actual = BlockWeights.sha256Hex(Files.readAllBytes(file));
        if (!actual.equals(expected)) {
            throw new IllegalArgumentException(what + " " + file + " has sha256 " + actual + ", the file was made for "
                    + expected + " (run ladd-tools' baselines command again for this teacher)");
        }
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the scoring worker ({@code BackgroundWorker}'s phase), so it finds the imported baselines. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 101;
    }
}
