package dev.ladd.trainer;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The default student's settings: a student folder without the teacher it descends from is a configuration error. */
class TrainerPropertiesTest {

    private final Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    @Test
    void aStudentFolderNeedsItsTeacherFolderAndATeacherId() {
        Set<ConstraintViolation<TrainerProperties.DefaultStudent>> violations = validator.validate(
                new TrainerProperties.DefaultStudent(Path.of("models/default-student"), null, " "));
        assertThat(violations).extracting(v -> v.getPropertyPath().toString())
                .containsExactlyInAnyOrder("teacherDirGivenWithDir", "teacherId");
        assertThat(violations).extracting(ConstraintViolation::getMessage).contains(
                "ladd.trainer.default-student.teacher-dir must be set when ladd.trainer.default-student.dir is");

        assertThat(validator.validate(new TrainerProperties.DefaultStudent(null, null, "default"))).isEmpty();
        assertThat(validator.validate(new TrainerProperties.DefaultStudent(Path.of("s"), Path.of("t"), "default"))).isEmpty();
    }

    @Test
    void theFashionMnistFolderOfRealDataRunsMustBeSet() {
        assertThat(validator.validate(new TrainerProperties.RealData(null)))
                .extracting(v -> v.getPropertyPath().toString()).containsExactly("fashionMnistDir");
        assertThat(new TrainerProperties.RealData(Path.of("/data/fm")).fashionMnist().directory()).isEqualTo(Path.of("/data/fm"));
    }
}
