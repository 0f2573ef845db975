package dev.ladd.gateway.keys;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which role each endpoint needs. Open (no key): the API docs, the error page, the dashboard's static files, and of
 * the actuator only the probes ({@code /livez}, {@code /readyz}, {@code /actuator/health/liveness} and
 * {@code /readiness}, without details). The rest of the actuator (metrics, health details) and the keys endpoints:
 * admin — in a deployment the actuator has a port of its own that only the metrics scraper reaches. Importing a model
 * folder from teacher-service's filesystem, and the parked outbox events of the gateway ({@code /api/v1/outbox/}) and
 * of each service ({@code /api/v1/<service>/outbox/}): admin. The OpenAI-compatible API under {@code /v1/} (images, models) and
 * {@code GET /api/v1/keys/me}: any key. Reads ({@code GET}, {@code HEAD}): viewer. Every other method (starting
 * runs, promoting, rolling back, writes through the proxied routes): ml-staff.
 */
public final class AccessPolicy {

    /** The parked outbox events, the gateway's and (proxied) each service's: platform-support's ParkedEventsController. */
    private static final Pattern OUTBOX = Pattern.compile("/api/v1/(trainer/|eval/|teacher/|inference/)?outbox(/.*)?");

    private AccessPolicy() {
    }

    /** @return the role the request needs, or empty when it needs no key */
    public static Optional<Role> required(String method, String path) {
        if (path.startsWith("/v3/api-docs") || path.startsWith("/swagger-ui")
                || path.equals("/error") || path.equals("/") || path.equals("/favicon.ico")
                || path.equals("/dashboard") || path.startsWith("/dashboard/")
                || path.equals("/livez") || path.equals("/readyz")
                || path.equals("/actuator/health/liveness") || path.equals("/actuator/health/readiness")) {
            // the dashboard's static files; its API calls send the key the person signed in with
            return Optional.empty();
        }
        if (path.equals("/actuator") || path.startsWith("/actuator/")) {
            return Optional.of(Role.ADMIN);
        }
        if (path.equals("/api/v1/keys/me") && (method.equals("GET") || method.equals("HEAD"))) {
            return Optional.of(Role.VIEWER);
        }
        if (path.equals("/api/v1/keys") || path.startsWith("/api/v1/keys/")
                || path.startsWith("/api/v1/teacher/teachers/import") || OUTBOX.matcher(path).matches()) {
            return Optional.of(Role.ADMIN);
        }
        if (path.startsWith("/v1/")) {   // the OpenAI-compatible API: images and the models list
            return Optional.of(Role.VIEWER);
        }
        boolean read = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        return Optional.of(read ? Role.VIEWER : Role.ML_STAFF);
    }
}
