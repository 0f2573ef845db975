package dev.ladd.tools;

import dev.ladd.tools.eval.EvalCommandLine;
import dev.ladd.tools.gateway.LatencyBench;
import dev.ladd.tools.teacher.TeacherCommandLine;
import dev.ladd.tools.trainer.TrainerCommandLine;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LaddToolsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return LaddTools.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommandOfEveryMovedCommandLine() {
        assertThat(run("--help")).isZero();
        Set<String> all = new HashSet<>();
        all.addAll(TeacherCommandLine.COMMANDS);
        all.addAll(TrainerCommandLine.COMMANDS);
        all.addAll(LatencyBench.COMMANDS);
        all.addAll(EvalCommandLine.COMMANDS);
        assertThat(LaddTools.COMMANDS.stream().map(LaddTools.Command::name)).containsExactlyInAnyOrderElementsOf(all);
        String help = out.toString(StandardCharsets.UTF_8);
        for (String command : all) {
            assertThat(help).contains("  " + command + " ");
        }
    }

    @Test
    void aCommandsHelpShowsItsOptionsWithoutRunningIt() {
        assertThat(run("distill", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: java -jar ladd-tools.jar distill --teacher=");
    }

    @Test
    void anUnknownCommandIsABadArgument() {
        assertThat(run("distil")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'distil'").contains("distill");
        assertThat(run()).as("no command").isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage:");
    }

    @Test
    void aCommandsBadOptionIsABadArgument() {
        assertThat(run("distill", "--out=x")).as("--teacher is required").isEqualTo(2);
    }
}
