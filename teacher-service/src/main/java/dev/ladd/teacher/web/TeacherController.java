package dev.ladd.teacher.web;

import dev.ladd.teacher.registry.RegisteredTeacher;
import dev.ladd.teacher.registry.TeacherRepository;
import dev.ladd.teacher.synthetic.SyntheticDataService;
import dev.ladd.teacher.synthetic.SyntheticRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@RequestMapping("/api/v1")
class TeacherController {

    private final TeacherRepository teachers;
    private final SyntheticDataService synthetic;

    TeacherController(TeacherRepository teachers, SyntheticDataService synthetic) {
        this.teachers = teachers;
        this.synthetic = synthetic;
    }

    @GetMapping("/teachers")
    List<RegisteredTeacher> teachers() {
        return teachers.list();
    }

    @GetMapping("/synthetic-requests/{requestId}")
    SyntheticRequest syntheticRequest(@PathVariable String requestId) {
        return synthetic.get(requestId);
    }
}
