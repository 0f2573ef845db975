package dev.ladd.teacher.registry;

import java.time.Instant;

/** A registered teacher model. */
public record Teacher(String teacherId, String description, Instant createdAt) {
}
