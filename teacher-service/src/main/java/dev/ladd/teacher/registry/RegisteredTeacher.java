package dev.ladd.teacher.registry;

import java.time.Instant;

/**
 * A registered teacher model.
 *
 * @param source        registered | imported | trained
 * @param weightsSha256 its safetensors blob
 */
public record RegisteredTeacher(String teacherId, String description, String source, String weightsSha256, Instant createdAt) {
}
