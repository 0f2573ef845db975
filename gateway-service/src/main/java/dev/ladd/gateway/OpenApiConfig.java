package dev.ladd.gateway;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document ({@code /v3/api-docs}, UI {@code /swagger-ui.html}, both open): every API takes a Bearer key. */
@Configuration
class OpenApiConfig {

    @Bean
    OpenAPI gatewayOpenApi() {
        return new OpenAPI()
                .info(new Info().title("LADD gateway").version("v1").description("""
                        The platform's public entry. Send 'Authorization: Bearer <key>'. Roles: viewer (reads, images), \
                        ml-staff (+ runs, promotion, writes through the service routes), admin (+ keys). Errors are \
                        application/problem+json; 429 comes with Retry-After."""))
                .components(new Components().addSecuritySchemes("apiKey",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }
}
