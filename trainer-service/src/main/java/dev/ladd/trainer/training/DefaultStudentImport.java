package dev.ladd.trainer.training;

import dev.ladd.events.CheckpointIds;
import dev.ladd.events.Topics;
import dev.ladd.events.v1.EventEnvelope;
import dev.ladd.ml.blob.BlobId;
import dev.ladd.ml.blob.ModelRef;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.checkpoint.CheckpointManifest;
import dev.ladd.platform.events.Outbox;
import dev.ladd.trainer.TrainerProperties;
import dev.ladd.trainer.run.CheckpointRepository;
import dev.ladd.trainer.run.RunRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * On start (before the trainer reports ready), imports the committed default student
 * ({@code ladd.trainer.default-student.*}, docs/adr/014) as run {@code default-student-<first 12 hex digits of its
 * weights' SHA-256>}: completed, with one final checkpoint at the student's step, published as
 * {@code CheckpointPublished} (with {@code default_student_folder} set) like any checkpoint, so eval-service scores it,
 * the gateway serves it on its default alias when nothing was promoted there, and it can be promoted and rolled back
 * to like any other. The student's, the teacher's and the autoencoder's files go to the blob store as they are (the
 * teacher's are the blobs teacher-service registers for teacher {@code default}).
 *
 * <p>Once: the run row, the checkpoint row and the event commit together, and the run's primary key makes a second
 * start, or a second replica starting at the same time, find the run and publish nothing. Another student (other
 * weights) is another run. A folder that fails its checks is refused with one log line saying why; the trainer runs
 * on without it (never a failed start, hence never a crash loop).
 */
@Component
class DefaultStudentImport implements ApplicationRunner {

    /** Who "requested" the imported run (a name no API key can have: keys allow no ':'). */
    static final String REQUESTED_BY = "system:default-student";
    private static final Logger log = LoggerFactory.getLogger(DefaultStudentImport.class);

    /** What one start did with the default student. */
    enum Outcome { NOT_CONFIGURED, IMPORTED, ALREADY_IMPORTED, REFUSED, FAILED }

    private final TrainerProperties.DefaultStudent settings;
    private final BlobStore blobs;
    private final RunRepository runs;
    private final CheckpointRepository checkpoints;
    private final Outbox outbox;
    private final TransactionTemplate tx;

    DefaultStudentImport(TrainerProperties properties, BlobStore blobs, RunRepository runs,
                         CheckpointRepository checkpoints, Outbox outbox, TransactionTemplate tx) {
        this.settings = properties.defaultStudent();
        this.blobs = blobs;
        this.runs = runs;
        this.checkpoints = checkpoints;
        this.outbox = outbox;
        this.tx = tx;
    }

    @Override
    public void run(ApplicationArguments args) {
        importFolder();
    }

    Outcome importFolder() {
        Path dir = settings.dir();
        if (dir == null) {
            return Outcome.NOT_CONFIGURED;
        }
        long start = System.nanoTime();
        String runId;
        DefaultStudentFolder folder;
        try {
            runId = runId(DefaultStudentFolder.studentManifest(dir));
            if (runs.find(runId).isPresent()) {
                log.info("the default student from {} is run {} already; nothing to import", dir, runId);
                return Outcome.ALREADY_IMPORTED;
            }
            folder = DefaultStudentFolder.read(dir, settings.teacherDir());
        } catch (IllegalArgumentException e) {
            log.error("the default student at {} (ladd.trainer.default-student.dir) was refused and is not imported: {}",
                    dir, e.getMessage());
            return Outcome.REFUSED;
        }
        try {
            return store(runId, dir, folder, start);
        } catch (IOException | RuntimeException e) {
            log.error("the default student at {} could not be imported ({}); the next start tries again", dir,
                    e.getMessage() == null ? e.toString() : e.getMessage(), e);
            return Outcome.FAILED;
        }
    }

    private Outcome store(String runId, Path dir, DefaultStudentFolder folder, long start) throws IOException {
        ModelRef student = put(folder.student());
        ModelRef teacher = put(folder.teacher());
        ModelRef autoencoder = put(folder.autoencoder());
        int step = Math.toIntExact(folder.manifest().step());
        String checkpointId = CheckpointIds.of(runId, step);
        boolean imported = Boolean.TRUE.equals(tx.execute(status -> {
            if (!runs.insertImported(runId, settings.teacherId(), REQUESTED_BY, dir.toString(), step, teacher, autoencoder)) {
                return false;   // another replica imported it a moment ago
            }
            checkpoints.insert(new CheckpointRepository.Checkpoint(runId, step, checkpointId, student.weights(), student.manifest(), null,
                    true, null));
            outbox.publish(Topics.CHECKPOINTS, runId, runId, EventEnvelope.newBuilder().setCheckpointPublished(
                    CheckpointPublisher.event(runId, checkpointId, step, student.weights(), student.manifest(), settings.teacherId(), true,
                            teacher, Optional.of(autoencoder)).setDefaultStudentFolder(dir.toString())));
            return true;
        }));
        if (!imported) {
            log.info("the default student from {} was imported by another trainer as run {}", dir, runId);
            return Outcome.ALREADY_IMPORTED;
        }
        log.info("imported the default student from {} as run {} in {} ms: checkpoint {} published (weights {})", dir,
                runId, (System.nanoTime() - start) / 1_000_000, checkpointId, student.weights().sha256());
        return Outcome.IMPORTED;
    }

    private ModelRef put(DefaultStudentFolder.Model model) throws IOException {
        return new ModelRef(blobs.put(model.weights()), blobs.put(model.manifestJson()));
    }

    /** One run per student: {@code default-student-} and the first 12 hex digits of its weights' SHA-256. */
    static String runId(CheckpointManifest student) {
        return "default-student-" + student.weightsSha256().substring(0, 12);
    }
}
