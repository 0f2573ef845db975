package dev.ladd.teacher.registry;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

import java.util.List;

/** The teacher table of the teacher schema. */
@Repository
public class TeacherRepository {

    private static final RowMapper<Teacher> TEACHER = (rs, i) -> new Teacher(
            rs.getString("teacher_id"), rs.getString("description"), rs.getTimestamp("created_at").toInstant());

    private final JdbcTemplate jdbc;

    public TeacherRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public boolean exists(String teacherId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM teacher WHERE teacher_id = ?)",
                Boolean.class, teacherId));
    }

    public List<Teacher> list() {
        return jdbc.query("SELECT teacher_id, description, created_at FROM teacher ORDER BY created_at", TEACHER);
    }
}
