package dev.ladd.gateway.web;

import dev.ladd.gateway.support.GatewayTestBase;
import dev.ladd.platform.test.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the gateway's public port shows without a key: of the actuator only the probes, status only; and the
 * dashboard with a strict Content-Security-Policy that its own files never break.
 */
@ServiceIntegrationTest
class ExposureTest extends GatewayTestBase {

    @Test
    void onlyTheProbesAreOpenAndTheRestOfTheActuatorNeedsAnAdminKey() throws Exception {
        for (String probe : List.of("/livez", "/readyz", "/actuator/health/liveness", "/actuator/health/readiness")) {
            HttpResponse<String> open = call("GET", probe, null, null);
            assertThat(open.statusCode()).as(probe).isEqualTo(200);
            assertThat(open.body()).as(probe + ": no details").isEqualTo("{\"status\":\"UP\"}");
        }
        String viewer = createKey("viewer", 1000);
        String staff = createKey("ml-staff", 1000);
        for (String path : List.of("/actuator/prometheus", "/actuator/health", "/actuator/metrics", "/actuator/info",
                "/actuator", "/actuator/health/db")) {
            assertProblem(call("GET", path, null, null), 401);
            assertProblem(call("GET", path, viewer, null), 403);
            assertProblem(call("GET", path, staff, null), 403);
        }
        HttpResponse<String> metrics = call("GET", "/actuator/prometheus", ADMIN_KEY, null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
        assertThat(call("GET", "/actuator/health", ADMIN_KEY, null).body()).contains("\"components\"");
    }

    @Test
    void theDashboardCarriesAStrictContentSecurityPolicy() throws Exception {
        for (String path : List.of("/dashboard/index.html", "/dashboard/app.js", "/dashboard/style.css", "/dashboard")) {
            HttpResponse<String> response = call("GET", path, null, null);
            assertThat(response.headers().firstValue("Content-Security-Policy")).as(path)
                    .hasValue(DashboardConfig.CONTENT_SECURITY_POLICY);
            assertThat(response.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
        }
        assertThat(DashboardConfig.CONTENT_SECURITY_POLICY).contains("frame-ancestors 'none'")
                .contains("script-src 'self';").doesNotContain("unsafe");
    }

    /**
     * The policy allows no inline script or style and no HTML parsed from strings: the dashboard's files use none
     * (the browser test, local-launcher's DashboardEndToEndTest, also fails on any policy violation it meets).
     */
    @Test
    void theDashboardsOwnFilesNeedNothingThePolicyForbids() throws Exception {
        Resource[] files = new PathMatchingResourcePatternResolver().getResources("classpath:static/dashboard/*");
        assertThat(files).extracting(Resource::getFilename).contains("index.html", "app.js", "api.js", "charts.js",
                "style.css");
        List<String> violations = new ArrayList<>();
        for (Resource file : files) {
            String name = file.getFilename();
            String text = file.getContentAsString(StandardCharsets.UTF_8);
            List<Pattern> forbidden = name.endsWith(".html")
                    ? List.of(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>"), Pattern.compile("<style"),
                    Pattern.compile("\\sstyle\\s*="), Pattern.compile("\\son[a-z]+\\s*="), Pattern.compile("javascript:"))
                    : name.endsWith(".js")
                    ? List.of(Pattern.compile("innerHTML|outerHTML|insertAdjacentHTML|document\\.write"),
                    Pattern.compile("\\beval\\s*\\(|new Function\\s*\\("), Pattern.compile("['\"]style['\"]|\\bstyle\\s*:"),
                    Pattern.compile("javascript:"), Pattern.compile("setTimeout\\s*\\(\\s*['\"`]"))
                    : List.of(Pattern.compile("@import|url\\(\\s*['\"]?(https?:|//)"));
            for (Pattern pattern : forbidden) {
                pattern.matcher(text).results().forEach(m -> violations.add(name + ": " + m.group()));
            }
        }
        assertThat(violations).isEmpty();
    }
}
