package dev.ladd.gateway.serving;

import dev.ladd.events.v1.CheckpointPublished;
import org.springframework.stereotype.Component;

/**
 * A fresh platform's first model (docs/adr/014): the trainer imports the committed default student and publishes it with
 * {@code default_student_folder} set; this serves it on alias {@code ladd.gateway.default-student.alias} ({@code default},
 * the one OpenAI clients get when they name no model) through an ordinary, audited promotion by actor {@value #ACTOR},
 * unless that alias has ever been promoted. So it happens once per platform (the event is applied once, and after it
 * the alias has an audit row), never over a person's or the policy's promotion made before, and whatever is promoted
 * after it replaces it as any promotion does (and can roll back to it).
 */
@Component
public class DefaultStudentBootstrap {

    /** The audit trail's actor: a name no API key can have (key names allow no ':'). */
    public static final String ACTOR = "system:default-student";

    private final PromotionService promotions;
    private final String alias;

    public DefaultStudentBootstrap(PromotionService promotions, DefaultStudentProperties properties) {
        this.promotions = promotions;
        this.alias = properties.alias();
    }

    /** In the transaction that records the checkpoint: serves it on the alias if nothing was ever promoted there. */
    public void serveIfNothingWasPromoted(CheckpointPublished published) {
        if (alias.isEmpty()) {
            return;
        }
        promotions.promoteDefaultStudent(alias, published.getCheckpointId(), "the committed default student (imported by "
                + "the trainer from " + published.getDefaultStudentFolder() + "), served on a fresh platform whose alias '"
                + alias + "' had never been promoted", ACTOR);
    }
}
