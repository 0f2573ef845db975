package dev.ladd.gateway.serving;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code ladd.gateway.default-student.*}: where a fresh platform serves the committed default student (docs/adr/014).
 *
 * @param alias the alias it is served on while that alias has never been promoted ({@code default}, the one OpenAI
 *              clients get when they name no model); empty: the gateway never serves it by itself
 */
@Validated
@ConfigurationProperties("ladd.gateway.default-student")
public record DefaultStudentProperties(
        @NotNull @Pattern(regexp = "|[A-Za-z0-9._-]{1,64}", message = "must be empty or 1-64 letters, digits, '.', '_' or '-'")
        String alias) {
}
