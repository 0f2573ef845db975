package dev.ladd.eval.teacher;

import dev.ladd.eval.scoring.StoredModel;

import java.time.Instant;

/**
 * A teacher as eval-service met it: the claim checks from the first verified checkpoint distilled from it.
 *
 * @param teacher     its checkpoint
 * @param autoencoder the autoencoder of its latent space
 */
public record TeacherRecord(String teacherId, StoredModel teacher, StoredModel autoencoder, Instant recordedAt) {
}
