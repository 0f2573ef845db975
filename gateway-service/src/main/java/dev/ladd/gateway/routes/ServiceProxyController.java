package dev.ladd.gateway.routes;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.net.URI;

/**
 * The services' REST APIs under the gateway's origin and keys: {@code /api/v1/<service>/<rest>} goes to
 * {@code <service base URL>/api/v1/<rest>} (query and body as they came, the body within the gateway's cap:
 * {@code BodyLimit}), with the service token and the caller's name and role. GET needs a viewer key, other methods
 * ml-staff ({@code AccessPolicy}). Renders (GETs of PNGs) go through {@link Renders}: bounded and cached. An
 * unreachable service is a 503 problem, a failing one (5xx but 503) a 502.
 */
@RestController
class ServiceProxyController {

    private final ServiceCalls services;
    private final Renders renders;

    ServiceProxyController(ServiceCalls services, Renders renders) {
        this.services = services;
        this.renders = renders;
    }

    @Operation(summary = "Proxy to trainer-, eval-, teacher- or inference-service's /api/v1/** (GET: viewer; else ml-staff)")
    @RequestMapping("/api/v1/{service:trainer|eval|teacher|inference}/**")
    ResponseEntity<byte[]> forward(@PathVariable String service, HttpServletRequest request) throws IOException {
        String prefix = request.getContextPath() + "/api/v1/" + service;
        String rest = request.getRequestURI().substring(prefix.length());
        String query = request.getQueryString();
        URI target = services.uri(service, "/api/v1" + rest + (query == null ? "" : "?" + query));
        if (Renders.isRender(request.getMethod(), rest)) {
            return renders.answer(service + " " + request.getMethod() + " " + rest + (query == null ? "" : "?" + query),
                    () -> services.send(service, target, request, new byte[0]));
        }
        return services.send(service, target, request, request.getInputStream().readAllBytes());
    }
}
