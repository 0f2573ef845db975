package dev.ladd.teacher.web;

import dev.ladd.platform.web.ProblemDetailsAdvice;
import dev.ladd.teacher.registry.ImportRefusedException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.util.List;
import java.util.Map;

/**
 * The one place teacher-service's domain exceptions become problem bodies; ordered before platform-support's
 * {@link ProblemDetailsAdvice}, whose catch-all would otherwise answer them with a 500.
 */
@RestControllerAdvice
@Order(ProblemDetailsAdvice.ORDER - 1)
class TeacherProblems {

    @ExceptionHandler(ImportRefusedException.class)
    ResponseEntity<ProblemDetail> importRefused(ImportRefusedException e) {
        ProblemDetail problem = switch (e.reason()) {
            case IMPORTS_OFF -> ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, e.getMessage());
            case BAD_FOLDER -> ProblemDetailsAdvice.invalidFields(List.of(Map.entry("folder", e.getMessage())));
            case TOO_LARGE -> ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
        };
        return ResponseEntity.status(problem.getStatus()).body(problem);
    }
}
