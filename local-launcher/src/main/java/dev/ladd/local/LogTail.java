package dev.ladd.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The last lines of a log file, for error messages. */
final class LogTail {

    private static final int MAX_BYTES = 64 * 1024;

    private LogTail() {
    }

    /** The last {@code count} lines of what was written to the file from byte {@code fromOffset} on. */
    static List<String> lastLines(Path file, int count, long fromOffset) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int size = (int) Math.max(0, Math.min(length - Math.min(fromOffset, length), MAX_BYTES));
            byte[] bytes = new byte[size];
            raf.seek(length - size);
            raf.readFully(bytes);
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n");
            List<String> result = new ArrayList<>(List.of(lines).subList(Math.max(0, lines.length - count), lines.length));
            if (size < length - fromOffset && result.size() == lines.length && !result.isEmpty()) {
                result.remove(0); // a partial first line
            }
            return result;
        } catch (IOException e) {
            return List.of("(could not read " + file + ": " + e.getMessage() + ")");
        }
    }

    /** The last lines, indented, under a heading naming the file; ready to append to an error message. */
    static String describe(Path file, int count) {
        return describe(file, count, 0);
    }

    /** Like {@link #describe(Path, int)}, looking only at what was written from byte {@code fromOffset} on. */
    static String describe(Path file, int count, long fromOffset) {
        List<String> lines = lastLines(file, count, fromOffset);
        if (lines.isEmpty()) {
            return "\n  (" + file + " has no output)";
        }
        StringBuilder text = new StringBuilder("\n  --- last ").append(lines.size()).append(" lines of ").append(file).append(" ---");
        for (String line : lines) {
            text.append("\n  | ").append(line);
        }
        return text.toString();
    }
}
