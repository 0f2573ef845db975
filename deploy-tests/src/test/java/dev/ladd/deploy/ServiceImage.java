package dev.ladd.deploy;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A service's image as Jib builds it (the root pom's jib-maven-plugin: user, working directory, JVM flags, environment,
 * the committed models in /app/models), laid out on this machine from the service's build: {@code app/} holds what
 * the image's /app holds — {@code classes} (target/classes), {@code libs} (the Spring Boot jar's dependencies, in its
 * class path order),
 * {@code jib-classpath-file} and {@code jib-main-class-file} — and the image's entrypoint is Jib's,
 * {@code java <jvmFlags> -cp @/app/jib-classpath-file <main class>}. Staged once per jar under
 * deploy-tests/target/images (dependencies hard-linked from one pool), so a second run costs nothing.
 *
 * @param service     e.g. {@code gateway-service}
 * @param app         the staged /app (its {@code models} is an empty mount point: the repository's models/ go there)
 * @param classpath   the class path, as /app paths
 * @param mainClass   the application class (the jar's Start-Class)
 * @param jvmFlags    the image's JVM flags
 * @param environment the image's environment
 * @param user        {@code uid:gid}
 * @param workingDirectory the image's working directory, /app
 */
record ServiceImage(String service, Path app, List<String> classpath, String mainClass, List<String> jvmFlags,
                    Map<String, String> environment, String user, String workingDirectory) {

    static final Path ROOT = ImageConfigTest.ROOT;
    static final Path STAGE = ROOT.resolve("deploy-tests/target/images");
    static final String VERSION = "0.1.0-SNAPSHOT";
    /** Where Jib puts the application in the image (its appRoot). */
    static final String APP_ROOT = "/app";
    private static final Pattern CLASSPATH_INDEX_ENTRY = Pattern.compile("\"BOOT-INF/lib/([^\"]+)\"");

    static Path jar(String service) {
        return ROOT.resolve(service).resolve("target").resolve(service + "-" + VERSION + ".jar");
    }

    /** Stages the image of {@code service} from its jar (again only when the jar changed). */
    static synchronized ServiceImage of(String service) {
        Path jar = jar(service);
        Path dir = STAGE.resolve(service);
        Path app = dir.resolve("app");
        try {
            String stamp = Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis();
            Path stampFile = dir.resolve("staged-from");
            if (!Files.isRegularFile(stampFile) || !Files.readString(stampFile).equals(stamp)) {
                deleteTree(dir);
                Files.createDirectories(app.resolve("models"));
                stage(jar, app);
                Files.writeString(stampFile, stamp);
            }
            Element container = (Element) ImageConfigTest.jibPlugin().getElementsByTagName("container").item(0);
            List<String> flags = new ArrayList<>();
            var jvmFlags = container.getElementsByTagName("jvmFlag");
            for (int i = 0; i < jvmFlags.getLength(); i++) {
                flags.add(jvmFlags.item(i).getTextContent().trim());
            }
            Map<String, String> environment = new LinkedHashMap<>();
            var variables = container.getElementsByTagName("environment").item(0).getChildNodes();
            for (int i = 0; i < variables.getLength(); i++) {
                if (variables.item(i).getNodeType() == Node.ELEMENT_NODE) {
                    environment.put(variables.item(i).getNodeName(), variables.item(i).getTextContent().trim());
                }
            }
            return new ServiceImage(service, app,
                    List.of(Files.readString(app.resolve("jib-classpath-file")).split(":")),
                    Files.readString(app.resolve("jib-main-class-file")).trim(), List.copyOf(flags), environment,
                    ImageConfigTest.text(container, "user"), ImageConfigTest.text(container, "workingDirectory"));
        } catch (Exception e) {
            throw new IllegalStateException("could not stage the image of " + service + " from " + jar + ": " + e, e);
        }
    }

    /** Whether the image carries libtorch (DJL's pytorch-native jar), which it unpacks to DJL_CACHE_DIR at start. */
    boolean runsModels() {
        return classpath.stream().anyMatch(entry -> entry.contains("/pytorch-native-"));
    }

    /** The image's entrypoint with these JVM options first, e.g. the test's own. */
    List<String> command(List<String> jvmOptions) {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvmOptions);
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", "@" + APP_ROOT + "/jib-classpath-file", mainClass));
        return command;
    }

    /**
     * The settings the service has no default for: every {@code META-INF/ladd/required-settings.properties} on its
     * class path (platform-support's and its own), as the service reads them at start.
     */
    Map<String, String> requiredSettings() {
        Map<String, String> settings = new TreeMap<>();
        String resource = "META-INF/ladd/required-settings.properties";
        try {
            Path own = app.resolve("classes").resolve(resource);
            if (Files.isRegularFile(own)) {
                try (InputStream in = Files.newInputStream(own)) {
                    load(in, settings);
                }
            }
            try (Stream<Path> libs = Files.list(app.resolve("libs"))) {
                for (Path lib : libs.toList()) {
                    try (JarFile jar = new JarFile(lib.toFile())) {
                        ZipEntry entry = jar.getEntry(resource);
                        if (entry != null) {
                            try (InputStream in = jar.getInputStream(entry)) {
                                load(in, settings);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return settings;
    }

    private static void load(InputStream in, Map<String, String> into) throws IOException {
        Properties properties = new Properties();
        properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        properties.forEach((k, v) -> into.put((String) k, ((String) v).trim()));
    }

    /**
     * What Jib puts in /app: the module's classes and resources (target/classes) in {@code classes}, its runtime
     * dependencies (the jar's BOOT-INF/lib, hard links into one pool) in {@code libs}, in the jar's class path order.
     */
    private static void stage(Path jar, Path app) throws IOException {
        Path classes = Files.createDirectories(app.resolve("classes"));
        Path compiled = jar.resolveSibling("classes");
        try (Stream<Path> files = Files.walk(compiled)) {
            for (Path file : files.toList()) {
                Path target = classes.resolve(compiled.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        Path libs = Files.createDirectories(app.resolve("libs"));
        Path pool = Files.createDirectories(STAGE.resolve("lib-pool"));
        List<String> order = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                String name = entry.getName();
                if (name.startsWith("BOOT-INF/lib/") && !entry.isDirectory()) {
                    String file = name.substring("BOOT-INF/lib/".length());
                    if (file.contains("/")) {
                        throw new IOException("unexpected entry " + name);
                    }
                    Path pooled = pool.resolve(file);
                    if (!Files.isRegularFile(pooled) || Files.size(pooled) != entry.getSize()) {
                        Path part = Files.createTempFile(pool, file, ".part");
                        Files.copy(zip, part, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(part, pooled, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    }
                    try {
                        Files.createLink(libs.resolve(file), pooled);
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(pooled, libs.resolve(file));
                    }
                } else if (name.equals("BOOT-INF/classpath.idx")) {
                    Matcher m = CLASSPATH_INDEX_ENTRY.matcher(new String(zip.readAllBytes(), StandardCharsets.UTF_8));
                    while (m.find()) {
                        order.add(m.group(1));
                    }
                }
            }
        }
        List<String> classpath = new ArrayList<>(List.of(APP_ROOT + "/classes"));
        order.forEach(lib -> classpath.add(APP_ROOT + "/libs/" + lib));
        Files.writeString(app.resolve("jib-classpath-file"), String.join(":", classpath));
        Manifest manifest;
        try (JarFile file = new JarFile(jar.toFile())) {
            manifest = file.getManifest();
        }
        Files.writeString(app.resolve("jib-main-class-file"), manifest.getMainAttributes().getValue("Start-Class"));
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
