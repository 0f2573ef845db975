package dev.ladd.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real browser (Debian's headless chromium driven by the pinned npm {@code playwright-core},
 * src/test/node/dashboard.mjs) against the whole one-box platform with small settings: an ml-staff key signs in,
 * sees the API's field error, starts a 4-iteration run (checkpoint every 2), sees the curves, a checkpoint's scores
 * and the sample grids, promotes the checkpoint with a reason and a confirmation, sees the serving panel follow
 * inference-service's report, generates an image in the playground; a viewer key sees the buttons disabled and
 * the API answers its promotion 403. Screenshots of each page go to {@code target/dashboard-screenshots} (or
 * {@code -Dladd.dashboard.screenshots=../docs/images} from the module folder refreshes the README's).
 *
 * <p>Skipped, saying why, where chromium, node or playwright-core is missing (.ci/run installs all three).
 */
class DashboardEndToEndTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();
    /** Small settings: a run's data in one 64-latent request, scores over 10 (quick pass) and 20 samples (ADR 012). */
    private static final Map<String, String> SMALL = Map.of(
            "trainer", "--ladd.trainer.synthetic-data.samples-per-request=64 --ladd.trainer.synthetic-data.requests-per-run=1"
                    + " --ladd.trainer.synthetic-data.shard-size=32 --ladd.trainer.synthetic-data.sampler-steps=2",
            "eval", "--ladd.eval.samples=20 --ladd.eval.quick-samples=10 --ladd.eval.teacher-steps=8,4,2,1"
                    + " --ladd.eval.speed.warmup=0 --ladd.eval.speed.repeats=1");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @Timeout(1200)
    void mlStaffTrainScoresPromotesAndGeneratesInTheBrowserAndAViewerCannotAct(@TempDir Path workDir) throws Exception {
        String node = findNode();
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed (.ci/run installs Debian's chromium)");
        assumeTrue(node != null, "node is not installed (.ci/run installs nodejs)");
        assumeTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/playwright-core")),
                "playwright-core is not installed: run 'npm ci' in local-launcher/src/test/node (.ci/run does)");
        assumeTrue(LocalPlatformTestSupport.serviceJarsExist() || System.getenv("CI") != null,
                "service jars not built: run ./mvnw -B -DskipTests package first");

        Path shots = Path.of(System.getProperty("ladd.dashboard.screenshots", "target/dashboard-screenshots")).toAbsolutePath();
        Files.createDirectories(shots);
        SMALL.forEach((service, args) -> System.setProperty("ladd.local.args." + service, args));
        LocalPlatformOptions options = LocalPlatformTestSupport.options(workDir, "--services=all",
                "--heap=" + LocalPlatformTestSupport.SMALL_HEAP, "--kafka-heap=" + LocalPlatformTestSupport.SMALL_HEAP,
                "--health-timeout=240", "--demo-run=false");
        try (LocalPlatform platform = LocalPlatformTestSupport.startAllServices(workDir, options)) {
            String gateway = options.services().stream().filter(s -> s.name().equals("gateway-service")).findFirst()
                    .orElseThrow().baseUrl();
            String admin = GatewayAdminKey.get(options);
            String staff = createKey(gateway, admin, "dashboard-staff", "ml-staff");
            String viewer = createKey(gateway, admin, "dashboard-viewer", "viewer");

            Path log = workDir.resolve("dashboard-browser.log");
            ProcessBuilder browser = new ProcessBuilder(node, "dashboard.mjs").directory(NODE_DIR.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            browser.environment().putAll(Map.of("GATEWAY", gateway, "STAFF_KEY", staff, "VIEWER_KEY", viewer,
                    "SHOTS", shots.toString(), "CHROMIUM", CHROMIUM.toString()));
            Process process = browser.start();
            boolean finished = process.waitFor(1000, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            // the services' logs next to the screenshots, to see what the platform did when a step failed
            Path logs = Files.createDirectories(shots.resolve("logs"));
            try (var files = Files.list(options.logDir())) {
                for (Path file : files.toList()) {
                    Files.copy(file, logs.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            System.out.println(output);
            assertThat(finished).as("the browser check finished; output:\n" + output).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("ok signed in as ml-staff", "ok field error shown: iterations", "ok run started",
                    "ok loss curve drawn", "scored, FID at 4 steps", "ok its score is from the", "ok sample grids", "ok serving panel shows",
                    "ok image generated", "ok viewer: promote disabled, API answers 403", "dashboard browser check passed");
            for (String page : new String[]{"runs", "run-detail", "serving", "playground"}) {
                assertThat(shots.resolve("dashboard-" + page + ".png")).isNotEmptyFile();
            }
        } finally {
            SMALL.keySet().forEach(service -> System.clearProperty("ladd.local.args." + service));
        }
    }

    private String createKey(String gateway, String admin, String name, String role) throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/v1/keys"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"role\":\"" + role
                        + "\",\"rateLimitPerMinute\":6000}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Matcher m = Pattern.compile("\"key\":\"([^\"]+)\"").matcher(created.body());
        assertThat(m.find()).as(created.body()).isTrue();
        return m.group(1);
    }

    private static String findNode() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "node");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
