package dev.ladd.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's restarts, on real child processes that crash. */
class SupervisorTest {

    private static final Duration FIRST = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofMillis(400);

    @Test
    void theDelayDoublesWithEachCrashInARowUpToTheMaximum() {
        assertThat(List.of(1, 2, 3, 4, 5, 40, Integer.MAX_VALUE).stream()
                .map(n -> Supervisor.delay(n, Duration.ofSeconds(1), Duration.ofSeconds(30)).toSeconds()).toList())
                .containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L);
    }

    @Test
    void aPartThatCrashesIsRestartedWithBackOffAndSaysSoUntilThePlatformStops(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(said, true, StandardCharsets.UTF_8);
        AtomicBoolean stopping = new AtomicBoolean();
        List<ChildProcess> started = new CopyOnWriteArrayList<>();
        try (Supervisor supervisor = new Supervisor(out, stopping::get, FIRST, MAX, Duration.ofMinutes(1))) {
            ChildProcess first = crashing(dir);
            started.add(first);
            supervisor.watch(first, () -> {
                ChildProcess next = crashing(dir);
                started.add(next);
                return next;
            });
            awaitUntil(() -> started.size() >= 4);
            stopping.set(true);
            int atStop = started.size();
            TimeUnit.MILLISECONDS.sleep(3 * MAX.toMillis());
            assertThat(started.size()).as("no restart once the platform stops").isLessThanOrEqualTo(atStop + 1);
        }
        String text = said.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("crasher (pid " + started.get(0).pid() + ") exited on its own with code 3")
                .contains("restarting it in 0.1 s (crash 1 in a row; see " + dir.resolve("crasher.log"))
                .contains("restarting it in 0.2 s (crash 2 in a row")
                .contains("restarting it in 0.4 s (crash 3 in a row")
                .contains("crasher restarted as pid " + started.get(1).pid());
    }

    @Test
    void aPartThatRanLongEnoughStartsOverAtTheFirstDelay(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(said, true, StandardCharsets.UTF_8);
        AtomicBoolean stopping = new AtomicBoolean();
        List<ChildProcess> started = new CopyOnWriteArrayList<>();
        // stable after 0 s: every exit counts as the first crash in a row
        try (Supervisor supervisor = new Supervisor(out, stopping::get, FIRST, MAX, Duration.ZERO)) {
            supervisor.watch(crashing(dir), () -> {
                ChildProcess next = crashing(dir);
                started.add(next);
                return next;
            });
            awaitUntil(() -> started.size() >= 3);
            stopping.set(true);
        }
        assertThat(said.toString(StandardCharsets.UTF_8)).contains("crash 1 in a row").doesNotContain("crash 2 in a row");
    }

    private static ChildProcess crashing(Path dir) {
        return ChildProcess.start("crasher", List.of("sh", "-c", "exit 3"), dir, dir.resolve("crasher.log"), null);
    }

    private static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("still waiting after 60 s").isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
