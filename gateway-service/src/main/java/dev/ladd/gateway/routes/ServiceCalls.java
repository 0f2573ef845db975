package dev.ladd.gateway.routes;

import dev.ladd.gateway.GatewayProperties;
import dev.ladd.gateway.Problems;
import dev.ladd.gateway.keys.Callers;
import dev.ladd.platform.security.ServiceToken;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's calls to the services' REST APIs (the proxy's, and a run start's, which the trainer validates): with
 * the service token and the caller's name and role; the answer comes back as it is (status, body, a few headers), but
 * an unreachable service is a 503 problem and a failing one (5xx but 503) a 502.
 */
@Component
public class ServiceCalls {

    private static final Logger log = LoggerFactory.getLogger(ServiceCalls.class);
    private static final Set<String> FORWARDED_RESPONSE_HEADERS = Set.of("content-type", "location", "retry-after",
            "content-disposition", "cache-control");

    private final Map<String, URI> bases;
    private final GatewayProperties.Routes routes;
    private final HttpClient http;
    private final ServiceToken token;

    ServiceCalls(GatewayProperties properties, ServiceToken token) {
        this.token = token;
        this.routes = properties.routes();
        this.bases = Map.of("trainer", routes.trainer(), "eval", routes.eval(), "teacher", routes.teacher(),
                "inference", routes.inference());
        this.http = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(5)).build();
    }

    /** {@code service}'s base URL joined with {@code pathAndQuery} (which starts with '/'). */
    public URI uri(String service, String pathAndQuery) {
        return URI.create(bases.get(service).toString().replaceAll("/+$", "") + pathAndQuery);
    }

    public ResponseEntity<byte[]> send(String service, URI target, HttpServletRequest request, byte[] body) {
        HttpRequest.Builder out = token.addTo(HttpRequest.newBuilder(target)).timeout(routes.timeout())
                .method(request.getMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .header(ServiceToken.CALLER_HEADER, Callers.name(request))
                .header(ServiceToken.CALLER_ROLE_HEADER, Callers.role(request));
        for (String name : List.of("Content-Type", "Accept")) {
            String value = request.getHeader(name);
            if (value != null) {
                out.header(name, value);
            }
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            log.warn("{}-service at {} unreachable: {}", service, target, e.toString());
            throw Problems.unavailable(service + "-service is unreachable; try again later");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problems.unavailable("interrupted while waiting for " + service + "-service");
        }
        int status = response.statusCode();
        if (status == 401) {   // the API key was checked here: the service refused the gateway itself
            log.error("{}-service refused the gateway's service token: LADD_SERVICE_TOKEN differs between them", service);
            throw Problems.of(HttpStatus.BAD_GATEWAY, service + "-service refused the gateway (a configuration error"
                    + " on the server: the service token differs); the operators' logs say more");
        }
        if (status >= 500 && status != 503) {
            throw Problems.of(HttpStatus.BAD_GATEWAY, service + "-service failed (HTTP " + status + ")");
        }
        HttpHeaders headers = new HttpHeaders();
        response.headers().map().forEach((name, values) -> {
            if (FORWARDED_RESPONSE_HEADERS.contains(name.toLowerCase())) {
                headers.put(name, values);
            }
        });
        return ResponseEntity.status(status).headers(headers).body(response.body());
    }
}
