package dev.ladd.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One workload's service jar, started as its image would start it: Jib's entrypoint and JVM flags, the image's and the
 * deployment's environment, working directory /app.
 *
 * <p><b>Isolated</b> (as root, where {@code unshare -m} works: {@link #ISOLATION}): in its own mount namespace with a
 * root file system of its own — the machine's /usr and /etc read-only, the staged image at /app and the committed models
 * at /app/models read-only, the deployment's mounts (a private folder for an emptyDir or tmpfs, one folder per named
 * volume or claim shared by the workloads, a folder of this machine for a bind mount), the deployment's /etc/hosts —,
 * read-only when the deployment says so, entered as the deployment's user (65532) with no capabilities and no new
 * privileges ({@code setpriv}). What it writes outside its mounts fails with "Read-only file system".
 *
 * <p><b>Plain</b> (elsewhere): a child JVM as this user, /app being the staged folder, container paths in its
 * environment and flags rewritten to the folders that stand for them, names resolved through
 * {@code -Djdk.net.hosts.file}; the user and the read-only root cannot be had, so the test checks instead that
 * nothing was written under /app.
 */
final class Container implements AutoCloseable {

    record Isolation(boolean available, String why) {
    }

    static final Isolation ISOLATION = detectIsolation();

    private final Deployment.Workload workload;
    private final Process process;
    private final Path log;
    private final Map<String, Path> mounts;
    private final List<String> entrypoint;
    private final Path workingDirectory;

    private Container(Deployment.Workload workload, Process process, Path log, Map<String, Path> mounts,
                      List<String> entrypoint, Path workingDirectory) {
        this.workload = workload;
        this.process = process;
        this.log = log;
        this.mounts = mounts;
        this.entrypoint = List.copyOf(entrypoint);
        this.workingDirectory = workingDirectory;
    }

    /**
     * @param environment the workload's environment as it runs here ({@link Network#environment})
     * @param dir         this container's folder: its root, private mounts and log
     * @param volumes     folders of the shared volumes by name (created here when missing)
     * @param jvmOptions  options before the image's JVM flags (the test's: speed, memory)
     * @param djlCache    libtorch as DJL unpacked it in an earlier container, put (hard-linked) into this one's
     *                    DJL_CACHE_DIR when that is in a private mount, so that it is unpacked once per test run; null: not
     */
    static Container start(Deployment.Workload workload, ServiceImage image, Map<String, String> environment, Path dir,
                           Path hostsFile, Path volumes, List<String> jvmOptions, Path djlCache) throws IOException {
        Files.createDirectories(dir);
        String[] user = workload.user().split(":");
        int uid = Integer.parseInt(user[0]);
        int gid = user.length > 1 ? Integer.parseInt(user[1]) : uid;
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (Deployment.Mount mount : workload.mounts()) {
            Path host = switch (mount.kind()) {
                case PRIVATE -> dir.resolve("mounts").resolve(mount.containerPath().replaceAll("[^A-Za-z0-9]+", "_"));
                case SHARED -> volumes.resolve(mount.source());
                case HOST -> Path.of(mount.source());
            };
            if (mount.kind() == Deployment.Mount.Kind.HOST) {
                if (!Files.exists(host)) {
                    continue; // e.g. the dataset folder on a machine without the dataset: nothing uses it here
                }
            } else if (!Files.isDirectory(host)) {
                Files.createDirectories(host);
                if (mount.kind() == Deployment.Mount.Kind.PRIVATE) {
                    // an emptyDir, a tmpfs: writable by anyone, sticky
                    Files.setAttribute(host, "unix:mode", 01777);
                } else if (ISOLATION.available()) {
                    // a named volume as compose's volumes-init hands it over, a claim as fsGroup makes it: the user's
                    Files.setAttribute(host, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(host, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
                }
            }
            mounts.put(mount.containerPath(), host);
        }
        Path cache = hostPath(environment.get("DJL_CACHE_DIR"), workload, mounts);
        if (djlCache != null && cache != null && Files.isDirectory(djlCache) && image.runsModels()) {
            linkTree(djlCache, cache, uid, gid);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/local/bin:/usr/bin:/bin");
        List<String> command;
        List<String> entrypoint;
        Path workingDir;
        Path inside; // the working directory the process should have, as this machine names it
        if (ISOLATION.available()) {
            env.putAll(environment);
            Path script = Files.writeString(dir.resolve("enter.sh"), enterScript(workload, image, dir.resolve("root"),
                    mounts, hostsFile, uid, gid), StandardCharsets.UTF_8);
            command = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "/bin/sh", script.toString()));
            entrypoint = image.command(jvmOptions);
            command.addAll(entrypoint);
            workingDir = dir;
            inside = dir.resolve("root").resolve(image.workingDirectory().replaceFirst("^/", ""));
        } else {
            Map<String, Path> paths = new LinkedHashMap<>(mounts);
            paths.put(ServiceImage.APP_ROOT + "/models", ServiceImage.ROOT.resolve("models"));
            paths.put(ServiceImage.APP_ROOT, image.app());
            environment.forEach((k, v) -> env.put(k, hostPaths(v, paths)));
            Path classpath = Files.writeString(dir.resolve("classpath"), hostPaths(String.join(":", image.classpath()), paths));
            List<String> options = new ArrayList<>(jvmOptions);
            options.add("-Djdk.net.hosts.file=" + hostsFile);
            command = new ArrayList<>();
            for (String arg : image.command(options)) {
                command.add(arg.equals("@" + ServiceImage.APP_ROOT + "/jib-classpath-file") ? "@" + classpath : hostPaths(arg, paths));
            }
            entrypoint = command;
            workingDir = image.app();
            inside = workingDir;
        }
        Path log = dir.resolve(workload.name() + ".log");
        Files.writeString(log, "# " + String.join(" ", command) + "\n");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(env);
        return new Container(workload, builder.start(), log, mounts, entrypoint, inside);
    }

    /**
     * The shell script that builds the container's root in the new mount namespace and enters it: a small tmpfs with
     * the machine's /usr and /etc (read-only), /proc and /dev, the image at /app, the mounts, the hosts file; made
     * read-only when the deployment says so; then {@code unshare --root --wd} and {@code setpriv} to the user.
     */
    private static String enterScript(Deployment.Workload workload, ServiceImage image, Path root, Map<String, Path> mounts,
                                      Path hostsFile, int uid, int gid) throws IOException {
        Files.createDirectories(root);
        StringBuilder s = new StringBuilder("""
                set -eu
                R=%s
                mount -t tmpfs -o mode=0755,size=16m ladd-root "$R"
                ro() { mkdir -p "$R$2" && mount --rbind "$1" "$R$2" && mount -o remount,bind,ro "$R$2"; }
                rw() { mkdir -p "$R$2" && mount --rbind "$1" "$R$2"; }
                """.formatted(q(root.toString())));
        for (String top : List.of("/bin", "/lib", "/lib64", "/sbin")) {
            Path path = Path.of(top);
            if (Files.isSymbolicLink(path)) {
                s.append("ln -s ").append(q(Files.readSymbolicLink(path).toString())).append(" \"$R").append(top).append("\"\n");
            } else if (Files.isDirectory(path)) {
                s.append("ro ").append(top).append(' ').append(top).append('\n');
            }
        }
        s.append("ro /usr /usr\nro /etc /etc\nrw /proc /proc\nrw /dev /dev\n");
        Path javaHome = Path.of(System.getProperty("java.home")).toRealPath();
        if (!javaHome.startsWith("/usr")) {
            s.append("ro ").append(q(javaHome.toString())).append(' ').append(q(javaHome.toString())).append('\n');
        }
        s.append("ro ").append(q(image.app().toString())).append(' ').append(ServiceImage.APP_ROOT).append('\n');
        s.append("mount --bind ").append(q(ServiceImage.ROOT.resolve("models").toString())).append(" \"$R")
                .append(ServiceImage.APP_ROOT).append("/models\" && mount -o remount,bind,ro \"$R")
                .append(ServiceImage.APP_ROOT).append("/models\"\n");
        for (Deployment.Mount mount : workload.mounts()) {
            Path host = mounts.get(mount.containerPath());
            if (host != null) {
                s.append(mount.readOnly() ? "ro " : "rw ").append(q(host.toString())).append(' ')
                        .append(q(mount.containerPath())).append('\n');
            }
        }
        s.append("mount --bind ").append(q(hostsFile.toString())).append(" \"$R/etc/hosts\"\n");
        if (workload.readOnlyRoot()) {
            s.append("mount -o remount,ro \"$R\"\n");
        }
        s.append("exec unshare --root=\"$R\" --wd=").append(q(image.workingDirectory()))
                .append(" setpriv --reuid=").append(uid).append(" --regid=").append(gid)
                .append(" --clear-groups --no-new-privs --inh-caps=-all --bounding-set=-all -- \"$@\"\n");
        return s.toString();
    }

    private static String q(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    /** The folder here behind a container path in a private mount (e.g. DJL_CACHE_DIR under /tmp), or null. */
    private static Path hostPath(String containerPath, Deployment.Workload workload, Map<String, Path> mounts) {
        if (containerPath == null) {
            return null;
        }
        for (Deployment.Mount mount : workload.mounts()) {
            if (mount.kind() == Deployment.Mount.Kind.PRIVATE && mounts.containsKey(mount.containerPath())
                    && (containerPath + "/").startsWith(mount.containerPath() + "/")) {
                return mounts.get(mount.containerPath()).resolve(containerPath.substring(mount.containerPath().length())
                        .replaceFirst("^/", ""));
            }
        }
        return null;
    }

    /** The DJL cache of this container (libtorch unpacked), or null when its DJL_CACHE_DIR is not in a private mount. */
    Path djlCache() {
        return hostPath(workload.environment().get("DJL_CACHE_DIR"), workload, mounts);
    }

    /** A copy of a folder tree made of hard links (same files, no bytes copied), owned by uid:gid where we may. */
    static void linkTree(Path from, Path to, int uid, int gid) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                    if (ISOLATION.available()) {
                        Files.setAttribute(target, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                        Files.setAttribute(target, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
                    }
                } else {
                    Files.createLink(target, file);
                }
            }
        }
    }

    /** Container paths in a value (at its start or after , : = or a space) → the folders that stand for them here. */
    static String hostPaths(String value, Map<String, Path> paths) {
        String result = value;
        List<Map.Entry<String, Path>> longestFirst = paths.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Path> e) -> e.getKey().length()).reversed()).toList();
        for (Map.Entry<String, Path> path : longestFirst) {
            Matcher m = Pattern.compile("(?<=^|[,:=\\s])" + Pattern.quote(path.getKey()) + "(?=/|$|[,:\\s])").matcher(result);
            result = m.replaceAll(Matcher.quoteReplacement(path.getValue().toString()));
        }
        return result;
    }

    private static Isolation detectIsolation() {
        if (!Boolean.parseBoolean(System.getProperty("ladd.deploy.isolation", "true"))) {
            return new Isolation(false, "-Dladd.deploy.isolation=false");
        }
        try {
            Process probe = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "setpriv", "--reuid=65532",
                    "--regid=65532", "--clear-groups", "--", "true").redirectErrorStream(true).start();
            String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                return new Isolation(true, "root: each service in its own mount namespace and root, as uid 65532");
            }
            return new Isolation(false, "unshare --mount / setpriv refused here (" + output + "): needs root");
        } catch (IOException e) {
            return new Isolation(false, "no util-linux unshare/setpriv here: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Deployment.Workload workload() {
        return workload;
    }

    /** The command the container's process runs once entered: the image's entrypoint (paths rewritten when plain). */
    List<String> entrypoint() {
        return entrypoint;
    }

    /** The working directory the process should run in (isolated: /app under its own root), as this machine names it. */
    Path workingDirectory() {
        return workingDirectory;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    Path log() {
        return log;
    }

    /** The folder of this machine behind a container path the workload mounts, e.g. /tmp. */
    Path mount(String containerPath) {
        return mounts.get(containerPath);
    }

    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kernel's view of the process: Uid, Gid, CapEff, NoNewPrivs, … from /proc/<pid>/status. */
    Map<String, String> status() throws IOException {
        Map<String, String> status = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                status.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return status;
    }

    /** The process's command line, from /proc/<pid>/cmdline. */
    List<String> commandLine() throws IOException {
        String raw = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid()), "cmdline")), StandardCharsets.UTF_8);
        return List.of(raw.split("\0"));
    }

    /** SIGTERM (Spring's graceful shutdown), then SIGKILL after the grace period. */
    void stop(Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(20));
        }
    }
}
