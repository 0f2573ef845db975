package dev.ladd.gateway.keys;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.List;

/** API keys (role admin): create one (its key is in this answer only), list them, revoke one; any key: itself. */
@RestController
@RequestMapping("/api/v1/keys")
class KeyApiController {

    private final ApiKeyService keys;

    KeyApiController(ApiKeyService keys) {
        this.keys = keys;
    }

    @Operation(summary = "Create a key; the answer's 'key' is shown only this once")
    @PostMapping
    ResponseEntity<CreatedKey> create(@Valid @RequestBody CreateKeyRequest request, HttpServletRequest http) {
        CreatedKey created = keys.create(request, Callers.name(http));
        return ResponseEntity.created(URI.create("/api/v1/keys/" + created.apiKey().name())).body(created);
    }

    @Operation(summary = "The calling key: its name, role and limit (any role; the dashboard shows it)")
    @GetMapping("/me")
    ApiKey me(HttpServletRequest http) {
        return (ApiKey) http.getAttribute(ApiKeyFilter.CALLER);
    }

    @GetMapping
    List<ApiKey> list() {
        return keys.list();
    }

    @Operation(summary = "Revoke a key: it is refused from now on; its name stays taken")
    @DeleteMapping("/{name}")
    ApiKey revoke(@PathVariable String name, HttpServletRequest http) {
        return keys.revoke(name, Callers.name(http));
    }
}
