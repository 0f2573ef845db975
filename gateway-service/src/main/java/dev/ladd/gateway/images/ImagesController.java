package dev.ladd.gateway.images;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ladd.gateway.Problems;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI's images API in its shape ({@code POST /v1/images/generations}), so OpenAI's own clients work with only
 * their base URL ({@code http://host:8080/v1}) and API key set. Any key may generate.
 */
@RestController
class ImagesController {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,4})x(\\d{1,4})");
    static final String DEFAULT_ALIAS = "default";

    /** OpenAI's answer: creation time in Unix seconds and one entry per image. */
    record ImagesResponse(long created, List<ImageData> data) {
    }

    record ImageData(@JsonProperty("b64_json") String b64Json) {
    }

    private final InferenceClient inference;
    private final Clock clock;

    ImagesController(InferenceClient inference, Clock clock) {
        this.inference = inference;
        this.clock = clock;
    }

    @Operation(summary = "Generate images (OpenAI images API shape; any role)",
            description = "prompt 1-1000 characters; n 1-8; size 'WxH' square, a multiple of 32 from 32 to 1024 "
                    + "(default 32x32); response_format b64_json only; model = serving alias (default 'default'); "
                    + "steps 1-8 (default 4) and seed are this platform's additions")
    @PostMapping("/v1/images/generations")
    ResponseEntity<ImagesResponse> generate(@Valid @RequestBody ImageGenerationRequest request) {
        if (request.responseFormat() != null && !request.responseFormat().equals("b64_json")) {
            throw Problems.badField("response_format", "only 'b64_json' is supported: the gateway keeps no image to "
                    + "link to, so 'url' is not offered");
        }
        int size = size(request.size());
        long seed = request.seed() != null ? request.seed() : ThreadLocalRandom.current().nextLong(0, Integer.MAX_VALUE);
        String alias = request.model() != null ? request.model() : DEFAULT_ALIAS;
        InferenceResult result = inference.generate(alias, request.prompt(), request.n() != null ? request.n() : 1,
                request.steps() != null ? request.steps() : 4, seed, size);
        List<ImageData> images = result.images().stream().map(i -> new ImageData(i.pngBase64())).toList();
        return ResponseEntity.ok()
                .header("X-Ladd-Checkpoint-Id", String.valueOf(result.checkpointId()))
                .header("X-Ladd-Revision", Long.toString(result.revision()))
                .body(new ImagesResponse(clock.instant().getEpochSecond(), images));
    }

    static int size(String size) {
        if (size == null) {
            return 32;
        }
        Matcher m = SIZE.matcher(size);
        if (!m.matches()) {
            throw Problems.badField("size", "must look like '64x64' (width x height)");
        }
        int w = Integer.parseInt(m.group(1));
        int h = Integer.parseInt(m.group(2));
        if (w != h || w < 32 || w > 1024 || w % 32 != 0) {
            throw Problems.badField("size", "must be square, a multiple of 32, from 32x32 to 1024x1024");
        }
        return w;
    }
}
