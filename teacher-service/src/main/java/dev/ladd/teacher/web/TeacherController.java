package dev.ladd.teacher.web;

import dev.ladd.ml.data.FashionMnist;
import dev.ladd.ml.data.ImageGrid;
import dev.ladd.ml.diffusion.EulerSampler;
import dev.ladd.ml.pipeline.Pipeline;
import dev.ladd.platform.security.ServiceToken;
import dev.ladd.teacher.registry.AutoencoderRegistry;
import dev.ladd.teacher.registry.ImportRoot;
import dev.ladd.teacher.registry.RegisteredAutoencoder;
import dev.ladd.teacher.registry.RegisteredTeacher;
import dev.ladd.teacher.registry.TeacherRegistry;
import dev.ladd.teacher.registry.TeacherRepository;
import dev.ladd.teacher.synthetic.SyntheticDataService;
import dev.ladd.teacher.synthetic.SyntheticRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

@RestController
@Validated
@RequestMapping("/api/v1")
class TeacherController {

    private final TeacherRepository teachers;
    private final TeacherRegistry registry;
    private final AutoencoderRegistry autoencoders;
    private final SyntheticDataService synthetic;
    private final ImportRoot importRoot;

    TeacherController(TeacherRepository teachers, TeacherRegistry registry, AutoencoderRegistry autoencoders,
                      SyntheticDataService synthetic, ImportRoot importRoot) {
        this.teachers = teachers;
        this.registry = registry;
        this.autoencoders = autoencoders;
        this.synthetic = synthetic;
        this.importRoot = importRoot;
    }

    /** Every registered teacher with its architecture ("config"), manifest metrics and step. */
    @GetMapping("/teachers")
    List<RegisteredTeacher> teachers() {
        return teachers.list();
    }

    /** Every registered autoencoder (latent space) with its architecture and metrics (e.g. held-out PSNR). */
    @GetMapping("/autoencoders")
    List<RegisteredAutoencoder> autoencoders() {
        return autoencoders.list();
    }

    /** A model folder on the service's filesystem, as written by {@code train-default}: inside the import root. */
    record ImportRequest(@NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,64}") String teacherId,
                         @Size(max = 500) String description,
                         @NotBlank @Size(max = 4096) String folder) {
    }

    /**
     * Admin only: the gateway lets only admin keys through to it and says so in {@link ServiceToken#CALLER_ROLE_HEADER}
     * (trusted: only the gateway holds the service token); checked here too, so that no difference between how the
     * gateway and this service read a path can open it to a lesser role.
     */
    @PostMapping("/teachers/import")
    ResponseEntity<Void> importTeacher(@RequestHeader(name = ServiceToken.CALLER_ROLE_HEADER, required = false) String role,
                                       @Valid @RequestBody ImportRequest request) {
        if (!"admin".equals(role)) {
            throw new ErrorResponseException(HttpStatus.FORBIDDEN, ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN,
                    "importing a model folder from the server's filesystem needs an admin key"), null);
        }
        registry.importModel(request.teacherId(), request.description() == null ? "" : request.description(),
                importRoot.read(request.folder()), "imported");
        return ResponseEntity.status(HttpStatus.CREATED).build();
    }

    /** A row of {@code count} samples for one prompt, seeds seed … seed + count − 1, as a PNG. */
    @GetMapping(value = "/teachers/{teacherId}/samples.png", produces = MediaType.IMAGE_PNG_VALUE)
    byte[] samples(@PathVariable String teacherId,
                   @RequestParam @Size(max = 200) String prompt,
                   @RequestParam(defaultValue = "50") @Min(1) @Max(200) int steps,
                   @RequestParam(defaultValue = "1.5") @DecimalMin("0") @DecimalMax("20") double cfg,
                   @RequestParam(defaultValue = "0") long seed,
                   @RequestParam(defaultValue = "8") @Min(1) @Max(16) int count) {
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            seeds.add(seed + i);
        }
        Pipeline pipeline = registry.pipeline(teacherId, new EulerSampler(steps, cfg, 1.0));
        float[] images = pipeline.images(Collections.nCopies(count, prompt), seeds);
        int size = pipeline.imageSize();
        // the 28×28 pictures were padded to the autoencoder's size: show them without the padding
        return ImageGrid.png(images, 1, count, size, size, (size - FashionMnist.HEIGHT) / 2);
    }

    @GetMapping("/synthetic-requests/{requestId}")
    SyntheticRequest syntheticRequest(@PathVariable String requestId) {
        return synthetic.get(requestId);
    }
}
