package dev.ladd.gateway.images;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.ladd.gateway.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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

    private final ImageGeneration images;
    private final Clock clock;

    ImagesController(ImageGeneration images, Clock clock) {
        this.images = images;
        this.clock = clock;
    }

    @Operation(summary = "Generate images (OpenAI images API shape; any role)", description = """
            prompt 1-1000 characters; n 1-8; size 'WxH' square, a multiple of 32 from 32 to 1024 (default 32x32): the \
            model makes 32x32 images, and every larger size is that image upscaled nearest-neighbour (blocks of \
            pixels, no added detail); response_format b64_json only; model = a serving alias (GET /v1/models; default 'default'); steps 1-8 \
            (default 4) and seed are this platform's additions. Errors are OpenAI-shaped: \
            {"error": {"message", "type", "param", "code"}}, param naming the bad field.""")
    @ApiResponse(responseCode = "200", description = "the images, base64 PNGs")
    @ApiResponse(responseCode = "400", description = "an invalid field, named in error.param and error.message "
            + "(wrong type, out of range, unknown field, malformed JSON)")
    @ApiResponse(responseCode = "404", description = "model is no serving alias: code model_not_found (not retried)")
    @ApiResponse(responseCode = "413", description = "a body over ladd.gateway.openai.max-body-bytes")
    @ApiResponse(responseCode = "415", description = "a body that is not application/json")
    @ApiResponse(responseCode = "429", description = "the key over its rate limit (code rate_limit_exceeded) or "
            + "inference's queue full; with Retry-After")
    @ApiResponse(responseCode = "503", description = "a known alias inference cannot serve now (no model loaded yet, "
            + "inference unreachable)")
    @PostMapping("/v1/images/generations")
    ResponseEntity<ImagesResponse> generate(@Valid @RequestBody ImageGenerationRequest request) {
        if (request.responseFormat() != null && !request.responseFormat().equals("b64_json")) {
            throw Problems.badField("response_format", "only 'b64_json' is supported: the gateway keeps no image to "
                    + "link to, so 'url' is not offered");
        }
        int size = size(request.size());
        long seed = request.seed() != null ? request.seed() : ThreadLocalRandom.current().nextLong(0, Integer.MAX_VALUE);
        String alias = request.model() != null ? request.model() : DEFAULT_ALIAS;
        InferenceResult result = images.generate(alias, request.prompt(), request.n() != null ? request.n() : 1,
                request.steps() != null ? request.steps() : 4, seed, size);
        List<ImageData> data = result.images().stream().map(i -> new ImageData(i.pngBase64())).toList();
        return ResponseEntity.ok()
                .header("X-Ladd-Checkpoint-Id", String.valueOf(result.checkpointId()))
                .header("X-Ladd-Revision", Long.toString(result.revision()))
                .body(new ImagesResponse(clock.instant().getEpochSecond(), data));
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
