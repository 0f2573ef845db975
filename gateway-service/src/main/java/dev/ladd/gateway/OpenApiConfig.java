package dev.ladd.gateway;

import dev.ladd.gateway.web.OpenAiErrors;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Map;

/** The OpenAPI document ({@code /v3/api-docs}, UI {@code /swagger-ui.html}, both open): every API takes a Bearer key. */
@Configuration
class OpenApiConfig {

    /** Errors every {@code /v1/} operation may answer, besides those its own annotations describe. */
    private static final Map<String, String> V1_ERRORS = Map.of(
            "401", "no key, or an unknown or revoked one (code invalid_api_key)",
            "429", "the key is over its rate limit (code rate_limit_exceeded); with Retry-After",
            "500", "an unexpected error, without details (the server log has them)");

    @Bean
    OpenAPI gatewayOpenApi() {
        return new OpenAPI()
                .info(new Info().title("LADD gateway").version("v1").description("""
                        The platform's public entry. Send 'Authorization: Bearer <key>'. Roles: viewer (reads, images), \
                        ml-staff (+ runs, promotion, writes through the service routes), admin (+ keys). Errors are \
                        application/problem+json under /api/, and OpenAI's {"error": {"message", "type", "param", \
                        "code"}} (application/json) under /v1/, the OpenAI-compatible API; 429 comes with Retry-After."""))
                .components(new Components().addSecuritySchemes("apiKey",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }

    /** Every error response of a {@code /v1/} operation has OpenAI's error body. */
    @Bean
    OpenApiCustomizer openAiErrorResponses() {
        return openApi -> {
            ModelConverters.getInstance().readAll(new AnnotatedType(OpenAiErrors.OpenAiError.class))
                    .forEach(openApi.getComponents()::addSchemas);
            Content error = new Content().addMediaType("application/json",
                    new MediaType().schema(new Schema<>().$ref("#/components/schemas/OpenAiError")));
            openApi.getPaths().forEach((path, item) -> {
                if (path.startsWith("/v1/")) {
                    item.readOperations().forEach(operation -> {
                        V1_ERRORS.forEach((status, description) -> operation.getResponses()
                                .putIfAbsent(status, new ApiResponse().description(description)));
                        operation.getResponses().forEach((status, response) -> {
                            if (!status.startsWith("2")) {
                                response.setContent(error);
                            }
                        });
                    });
                }
            });
        };
    }
}
