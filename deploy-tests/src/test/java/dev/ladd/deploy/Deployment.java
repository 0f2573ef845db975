package dev.ladd.deploy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.ladd.deploy.Manifests.at;
import static dev.ladd.deploy.Manifests.list;

/**
 * What a deployment file asks for, as {@link DeploymentRunner} needs it: the five services with exactly the environment
 * the file gives each (on top of the image's), their mounts, user, root file system and readiness check; the names and
 * ports under which the services, Kafka and PostgreSQL are reached; the database's administrator and the one-shot
 * that gives each service its role. Read from {@code docker-compose config} ({@link #compose}) or from the rendered
 * chart ({@link #helm}).
 *
 * @param name      e.g. {@code compose}
 * @param workloads the services, in the order the file starts them (compose: {@code depends_on})
 * @param endpoints every name:port a service may call, and what answers there
 * @param accounts  the database accounts that exist before the deployment starts (its administrator, owner of the
 *                  database), each with the database it owns
 * @param roles     the one-shot that creates each service's database role (compose's {@code db-users} service, the
 *                  chart's pre-install Job)
 */
record Deployment(String name, List<Workload> workloads, List<Endpoint> endpoints, List<DbAccount> accounts,
                  DbRoles roles) {

    static final List<String> SERVICES = List.of("teacher-service", "trainer-service", "eval-service",
            "inference-service", "gateway-service");
    static final String KAFKA = "kafka";
    static final String POSTGRES = "postgres";

    /** A host name and port a service may call, and the workload (or {@link #KAFKA}, {@link #POSTGRES}) behind it. */
    record Endpoint(String hostname, int port, String target) {
    }

    /** A database login, as PostgreSQL must have it before the services start. */
    record DbAccount(String user, String password, String database, boolean superuser) {
    }

    /**
     * The one-shot that runs helm/ladd/files/db-users.psql: its environment (PGHOST, PGUSER, PGPASSWORD, PGDATABASE,
     * LADD_DB_USER_&lt;SERVICE&gt;, LADD_DB_PASSWORD_&lt;SERVICE&gt;) and the db-users.sql it includes, as the one-shot sees it
     * (compose: the mounted folder; the chart: its ConfigMap).
     */
    record DbRoles(Map<String, String> environment, String script) {

        String host() {
            return environment.get("PGHOST");
        }

        int port() {
            return Integer.parseInt(environment.getOrDefault("PGPORT", "5432"));
        }
    }

    /** A file system mount: a shared volume (by name), a private scratch folder, or a folder of this machine. */
    record Mount(String containerPath, Kind kind, String source, boolean readOnly) {
        enum Kind { SHARED, PRIVATE, HOST }
    }

    /**
     * @param name        the deployment's name for it (compose service, chart component)
     * @param service     the Maven module whose jar the image holds, e.g. {@code gateway-service}
     * @param environment the container's environment: the image's, then the file's (and the runtime's HOSTNAME, PATH, HOME)
     * @param port        the port it listens on in its container ({@code SERVER_PORT})
     * @param user        {@code uid:gid} it runs as
     * @param readOnlyRoot whether its root file system is read-only
     * @param dependsOn   workloads that must be ready before it starts
     * @param readiness   compose: the health check command; chart: the readiness probe's HTTP path
     */
    record Workload(String name, String service, Map<String, String> environment, int port, List<Mount> mounts,
                    String user, boolean readOnlyRoot, List<String> dependsOn, Readiness readiness) {
    }

    /** Either a command (compose's health check, run with the container's environment) or an HTTP GET path. */
    record Readiness(List<String> command, String httpPath) {
    }

    Workload ofService(String service) {
        return workloads.stream().filter(w -> w.service().equals(service)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " runs no " + service));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // docker-compose

    private static final Pattern LISTENER = Pattern.compile("[A-Z_]+://([^:,]+):(\\d+)");

    /**
     * From {@code docker-compose config}'s output: every service whose image is one of ours is a workload; the
     * {@code apache/kafka} service is Kafka (its advertised listener is the address), the {@code postgres} one is
     * PostgreSQL (port 5432; its POSTGRES_USER/PASSWORD/DB are the account its image creates on first start).
     */
    static Deployment compose(String name, Map<String, Object> config) {
        Map<String, Object> services = at(config, "services");
        List<Workload> workloads = new ArrayList<>();
        List<Endpoint> endpoints = new ArrayList<>();
        List<DbAccount> accounts = new ArrayList<>();
        DbRoles roles = null;
        for (Map.Entry<String, Object> entry : services.entrySet()) {
            String serviceName = entry.getKey();
            Map<String, Object> service = Manifests.cast((Map<?, ?>) entry.getValue());
            String image = String.valueOf(service.get("image"));
            Map<String, String> env = strings(at(service, "environment"));
            if (service.get("entrypoint") != null) {
                // a one-shot (db-users, volumes-init): the one running db-users.psql makes the services' roles
                List<String> entrypoint = ((List<?>) service.get("entrypoint")).stream().map(String::valueOf).toList();
                String psqlFile = entrypoint.stream().filter(a -> a.endsWith("/db-users.psql")).findFirst().orElse(null);
                if (psqlFile != null) {
                    roles = new DbRoles(env, composeFile(name, service,
                            psqlFile.substring(0, psqlFile.lastIndexOf('/')) + "/db-users.sql"));
                }
            } else if (image.startsWith("apache/kafka:")) {
                Matcher advertised = LISTENER.matcher(env.getOrDefault("KAFKA_ADVERTISED_LISTENERS", ""));
                while (advertised.find()) {
                    int port = Integer.parseInt(advertised.group(2));
                    endpoints.add(new Endpoint(advertised.group(1), port, KAFKA));
                }
            } else if (image.startsWith("postgres:")) {
                if (String.valueOf(service.get("volumes")).contains("/docker-entrypoint-initdb.d")) {
                    throw new AssertionError(name + ": the postgres service runs init scripts at its first start ("
                            + service.get("volumes") + "); Infrastructure.provision creates only POSTGRES_USER and "
                            + "POSTGRES_DB as the image does: teach it what the scripts do");
                }
                endpoints.add(new Endpoint(serviceName, 5432, POSTGRES));
                String user = env.getOrDefault("POSTGRES_USER", "postgres");
                accounts.add(new DbAccount(user, env.get("POSTGRES_PASSWORD"), env.getOrDefault("POSTGRES_DB", user), true));
            } else if (SERVICES.contains(module(image))) {
                Map<String, String> environment = new LinkedHashMap<>(ServiceImage.of(module(image)).environment());
                environment.putAll(runtimeEnvironment(name + "-" + serviceName + "-1"));
                environment.putAll(env);
                int port = serverPort(name, serviceName, environment);
                endpoints.add(new Endpoint(serviceName, port, serviceName));
                List<Mount> mounts = new ArrayList<>();
                for (Object volume : service.get("volumes") == null ? List.of() : (List<?>) service.get("volumes")) {
                    mounts.add(composeVolume(String.valueOf(volume)));
                }
                for (Object tmpfs : service.get("tmpfs") == null ? List.of() : (List<?>) service.get("tmpfs")) {
                    mounts.add(new Mount(String.valueOf(tmpfs).split(":")[0], Mount.Kind.PRIVATE, null, false));
                }
                Map<String, Object> dependsOn = at(service, "depends_on");
                Object test = at(service, "healthcheck.test");
                if (!(test instanceof List<?> command) || command.isEmpty()) {
                    throw new AssertionError(name + ": service " + serviceName + " has no health check command");
                }
                List<String> check = command.stream().map(String::valueOf).toList();
                check = switch (check.get(0)) {
                    case "CMD" -> check.subList(1, check.size());
                    case "CMD-SHELL" -> List.of("/bin/sh", "-c", String.join(" ", check.subList(1, check.size())));
                    default -> throw new AssertionError(name + ": " + serviceName + "'s health check " + check);
                };
                // compose writes $$ for a literal $ in the file; the engine runs the command with $
                check = check.stream().map(a -> a.replace("$$", "$")).toList();
                workloads.add(new Workload(serviceName, module(image), environment, port, mounts,
                        Objects.requireNonNullElse((String) service.get("user"), ServiceImage.of(module(image)).user()),
                        Boolean.TRUE.equals(service.get("read_only")),
                        dependsOn == null ? List.of() : List.copyOf(dependsOn.keySet()), new Readiness(check, null)));
            }
        }
        List<String> names = workloads.stream().map(Workload::name).toList();
        List<Workload> ours = workloads.stream().map(w -> new Workload(w.name(), w.service(), w.environment(), w.port(),
                w.mounts(), w.user(), w.readOnlyRoot(), w.dependsOn().stream().filter(names::contains).toList(),
                w.readiness())).toList();
        return new Deployment(name, startOrder(ours), endpoints, accounts, checkRoles(name, roles, endpoints));
    }

    /** A file a compose service reads at {@code containerPath}, from the host folder mounted there. */
    private static String composeFile(String name, Map<String, Object> service, String containerPath) {
        for (Object volume : service.get("volumes") == null ? List.of() : (List<?>) service.get("volumes")) {
            Mount mount = composeVolume(String.valueOf(volume));
            if (mount.kind() == Mount.Kind.HOST && containerPath.startsWith(mount.containerPath() + "/")) {
                // relative: the file as written (docker-compose config makes it absolute)
                Path file = ComposeFileTest.ROOT.resolve(mount.source())
                        .resolve(containerPath.substring(mount.containerPath().length() + 1));
                try {
                    return Files.readString(file);
                } catch (IOException e) {
                    throw new AssertionError(name + ": " + containerPath + " is " + file + ", which cannot be read: " + e);
                }
            }
        }
        throw new AssertionError(name + ": nothing is mounted at " + containerPath + " (volumes " + service.get("volumes") + ")");
    }

    /** The roles one-shot must exist and reach the PostgreSQL the services use. */
    private static DbRoles checkRoles(String name, DbRoles roles, List<Endpoint> endpoints) {
        if (roles == null) {
            throw new AssertionError(name + ": nothing runs db-users.psql, so the services' database roles would not exist");
        }
        if (endpoints.stream().noneMatch(e -> e.target().equals(POSTGRES) && e.hostname().equals(roles.host())
                && e.port() == roles.port())) {
            throw new AssertionError(name + ": db-users connects to " + roles.host() + ":" + roles.port()
                    + ", not to the PostgreSQL the services use (" + endpoints.stream()
                    .filter(e -> e.target().equals(POSTGRES)).toList() + ")");
        }
        return roles;
    }

    /** compose's volume string, as {@code config} writes it: {@code blobs:/var/lib/ladd/blobs:rw}, {@code /host:/path:ro}. */
    private static Mount composeVolume(String volume) {
        String[] parts = volume.split(":");
        boolean readOnly = parts.length > 2 && parts[2].contains("ro");
        if (parts.length == 1) {
            return new Mount(parts[0], Mount.Kind.PRIVATE, null, false);  // an anonymous volume
        }
        boolean host = parts[0].startsWith("/") || parts[0].startsWith(".");
        return new Mount(parts[1], host ? Mount.Kind.HOST : Mount.Kind.SHARED, parts[0], readOnly);
    }

    /** Workloads in an order where each comes after what it depends on. */
    private static List<Workload> startOrder(List<Workload> workloads) {
        List<Workload> ordered = new ArrayList<>();
        List<Workload> left = new ArrayList<>(workloads);
        while (!left.isEmpty()) {
            Workload next = left.stream()
                    .filter(w -> ordered.stream().map(Workload::name).toList().containsAll(w.dependsOn()))
                    .findFirst().orElseThrow(() -> new AssertionError("depends_on has a cycle among " + left));
            ordered.add(next);
            left.remove(next);
        }
        return ordered;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the Helm chart

    /**
     * From the rendered chart: every Deployment is a workload whose environment is what Kubernetes gives its container
     * (the image's, then {@code envFrom} ConfigMaps and Secrets, then {@code env} with its {@code valueFrom} and
     * {@code $(VAR)} references); each Service name (short and qualified with the namespace) is an endpoint of the
     * workload it selects, at the Service's port; Kafka and PostgreSQL are external, where the environment points.
     */
    static Deployment helm(String name, Manifests manifests, String namespace) {
        Map<String, Map<String, String>> configMaps = new LinkedHashMap<>();
        manifests.ofKind("ConfigMap").forEach(c -> configMaps.put(Manifests.name(c), strings(at(c, "data"))));
        Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
        manifests.ofKind("Secret").forEach(s -> {
            Map<String, String> data = new LinkedHashMap<>();
            strings(at(s, "data")).forEach((k, v) -> data.put(k,
                    new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
            data.putAll(strings(at(s, "stringData")));
            secrets.put(Manifests.name(s), data);
        });
        List<Workload> workloads = new ArrayList<>();
        List<Endpoint> endpoints = new ArrayList<>();
        List<DbAccount> accounts = new ArrayList<>();
        for (Map<String, Object> deployment : manifests.ofKind("Deployment")) {
            String workload = Manifests.component(deployment);
            Map<String, Object> pod = at(deployment, "spec.template.spec");
            if (Boolean.TRUE.equals(pod.get("enableServiceLinks")) || pod.get("enableServiceLinks") == null) {
                throw new AssertionError(name + ": " + workload + " would get Kubernetes' service link variables "
                        + "(LADD_<SERVICE>_PORT=tcp://…, read as ladd.* settings): set enableServiceLinks: false");
            }
            List<Map<String, Object>> containers = list(pod, "containers");
            Map<String, Object> container = containers.get(0);
            String module = module((String) container.get("image"));
            Map<String, String> env = new LinkedHashMap<>(ServiceImage.of(module).environment());
            env.putAll(runtimeEnvironment(Manifests.name(deployment) + "-5d8f9c7b6-x2x4q"));
            env = containerEnvironment(name, workload, container, env, configMaps, secrets);
            Map<String, Integer> containerPorts = new LinkedHashMap<>();
            list(container, "ports").forEach(p -> containerPorts.put((String) p.get("name"), (Integer) p.get("containerPort")));
            int port = serverPort(name, workload, env);
            if (!containerPorts.containsValue(port)) {
                throw new AssertionError(name + ": " + workload + " listens on " + port + " but declares ports " + containerPorts);
            }
            Map<String, String> volumes = new LinkedHashMap<>();
            Map<String, Mount.Kind> kinds = new LinkedHashMap<>();
            for (Map<String, Object> volume : list(pod, "volumes")) {
                String volumeName = (String) volume.get("name");
                if (volume.containsKey("emptyDir")) {
                    kinds.put(volumeName, Mount.Kind.PRIVATE);
                } else if (volume.containsKey("persistentVolumeClaim")) {
                    kinds.put(volumeName, Mount.Kind.SHARED);
                    volumes.put(volumeName, at(volume, "persistentVolumeClaim.claimName"));
                } else {
                    throw new AssertionError(name + ": " + workload + "'s volume " + volume + " is of a kind this test does not mount");
                }
            }
            List<Mount> mounts = new ArrayList<>();
            for (Map<String, Object> mount : list(container, "volumeMounts")) {
                String volumeName = (String) mount.get("name");
                mounts.add(new Mount((String) mount.get("mountPath"), kinds.get(volumeName), volumes.get(volumeName),
                        Boolean.TRUE.equals(mount.get("readOnly"))));
            }
            Object probePort = at(container, "readinessProbe.httpGet.port");
            int probed = probePort instanceof Integer p ? p : containerPorts.getOrDefault(String.valueOf(probePort), -1);
            if (probed != port) {
                throw new AssertionError(name + ": " + workload + "'s readiness probe asks port " + probePort + ", it listens on " + port);
            }
            Integer uid = firstNonNull(at(container, "securityContext.runAsUser"), at(pod, "securityContext.runAsUser"));
            Integer gid = firstNonNull(at(container, "securityContext.runAsGroup"), at(pod, "securityContext.runAsGroup"));
            String user = uid == null ? ServiceImage.of(module).user() : uid + ":" + (gid == null ? uid : gid);
            workloads.add(new Workload(workload, module, env, port, mounts, user,
                    Boolean.TRUE.equals(at(container, "securityContext.readOnlyRootFilesystem")), List.of(),
                    new Readiness(null, at(container, "readinessProbe.httpGet.path"))));

            for (Map<String, Object> service : manifests.ofKind("Service")) {
                Map<String, Object> selector = at(service, "spec.selector");
                Map<String, Object> labels = at(deployment, "spec.template.metadata.labels");
                if (selector == null || !labels.entrySet().containsAll(selector.entrySet())) {
                    continue;
                }
                for (Map<String, Object> servicePort : list(service, "spec.ports")) {
                    Object target = servicePort.get("targetPort");
                    int targetPort = target instanceof Integer t ? t : containerPorts.getOrDefault(String.valueOf(target), -1);
                    String serviceName = Manifests.name(service);
                    if (targetPort != port) {
                        throw new AssertionError(name + ": Service " + serviceName + " sends port " + servicePort.get("port")
                                + " to " + target + ", but " + workload + " listens on " + port);
                    }
                    for (String host : List.of(serviceName, serviceName + "." + namespace, serviceName + "." + namespace + ".svc",
                            serviceName + "." + namespace + ".svc.cluster.local")) {
                        endpoints.add(new Endpoint(host, (Integer) servicePort.get("port"), workload));
                    }
                }
            }
            // Kafka and PostgreSQL are outside the chart: wherever its environment points
            for (String broker : env.getOrDefault("SPRING_CLOUD_STREAM_KAFKA_BINDER_BROKERS", "").split(",")) {
                String[] hostPort = broker.trim().split(":");
                if (hostPort.length == 2) {
                    endpoints.add(new Endpoint(hostPort[0], Integer.parseInt(hostPort[1]), KAFKA));
                }
            }
            String jdbc = env.get("SPRING_DATASOURCE_URL");
            if (jdbc != null && jdbc.startsWith("jdbc:")) {
                URI db = URI.create(jdbc.substring("jdbc:".length()));
                int dbPort = db.getPort() < 0 ? 5432 : db.getPort();
                endpoints.add(new Endpoint(db.getHost(), dbPort, POSTGRES));
            }
        }
        // the database roles: the pre-install Job that runs db-users.psql (from its ConfigMap) as the database's
        // administrator, who owns the database (README "Deploy": the operator's own PostgreSQL)
        DbRoles roles = null;
        for (Map<String, Object> job : manifests.ofKind("Job")) {
            Map<String, Object> pod = at(job, "spec.template.spec");
            Map<String, Object> container = list(pod, "containers").get(0);
            List<String> command = ((List<?>) container.get("command")).stream().map(String::valueOf).toList();
            String psqlFile = command.stream().filter(a -> a.endsWith("/db-users.psql")).findFirst().orElse(null);
            if (psqlFile == null) {
                continue;
            }
            Map<String, String> env = containerEnvironment(name, Manifests.name(job), container, Map.of(), configMaps, secrets);
            String folder = psqlFile.substring(0, psqlFile.lastIndexOf('/'));
            String volume = list(container, "volumeMounts").stream().filter(m -> folder.equals(m.get("mountPath")))
                    .map(m -> (String) m.get("name")).findFirst()
                    .orElseThrow(() -> new AssertionError(name + ": nothing is mounted at " + folder + " in " + Manifests.name(job)));
            String configMap = list(pod, "volumes").stream().filter(v -> volume.equals(v.get("name")))
                    .map(v -> (String) at(v, "configMap.name")).findFirst().orElse(null);
            if (configMap == null || configMaps.get(configMap) == null || !configMaps.get(configMap).containsKey("db-users.sql")) {
                throw new AssertionError(name + ": " + Manifests.name(job) + "'s " + folder + " has no db-users.sql");
            }
            roles = new DbRoles(env, configMaps.get(configMap).get("db-users.sql"));
            accounts.add(new DbAccount(env.get("PGUSER"), env.get("PGPASSWORD"), env.get("PGDATABASE"), true));
        }
        List<Endpoint> distinct = endpoints.stream().distinct().toList();
        return new Deployment(name, workloads, distinct, accounts, checkRoles(name, roles, distinct));
    }

    /**
     * What Kubernetes adds to a container's environment: {@code envFrom} ConfigMaps and Secrets, then {@code env} with
     * its {@code valueFrom} and {@code $(VAR)} references on top of {@code base} (the image's and the runtime's).
     */
    private static Map<String, String> containerEnvironment(String name, String workload, Map<String, Object> container,
                                                           Map<String, String> base,
                                                           Map<String, Map<String, String>> configMaps,
                                                           Map<String, Map<String, String>> secrets) {
        Map<String, String> env = new LinkedHashMap<>(base);
        for (Map<String, Object> from : list(container, "envFrom")) {
            String prefix = Objects.requireNonNullElse((String) from.get("prefix"), "");
            Map<String, String> source = from.containsKey("configMapRef")
                    ? configMaps.get((String) at(from, "configMapRef.name"))
                    : secrets.get((String) at(from, "secretRef.name"));
            Objects.requireNonNull(source, () -> name + ": " + workload + "'s envFrom " + from + " names nothing rendered");
            source.forEach((k, v) -> env.put(prefix + k, v));
        }
        for (Map<String, Object> variable : list(container, "env")) {
            String key = (String) variable.get("name");
            if (variable.containsKey("valueFrom")) {
                Map<String, String> source = at(variable, "valueFrom.secretKeyRef") != null
                        ? secrets.get((String) at(variable, "valueFrom.secretKeyRef.name"))
                        : configMaps.get((String) at(variable, "valueFrom.configMapKeyRef.name"));
                String ref = at(variable, "valueFrom.secretKeyRef") != null
                        ? at(variable, "valueFrom.secretKeyRef.key") : at(variable, "valueFrom.configMapKeyRef.key");
                if (source == null || !source.containsKey(ref)) {
                    throw new AssertionError(name + ": " + workload + "'s " + key + " refers to " + variable.get("valueFrom")
                            + ", which the chart did not render");
                }
                env.put(key, source.get(ref));
            } else {
                env.put(key, expand(String.valueOf(Objects.requireNonNullElse(variable.get("value"), "")), env));
            }
        }
        return env;
    }

    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    /** Kubernetes' {@code $(VAR)} in an env value: the variable's value if defined before, else left as it is. */
    private static String expand(String value, Map<String, String> defined) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(defined.getOrDefault(m.group(1), m.group())));
        }
        return m.appendTail(out).toString();
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** What a container runtime adds to the image's environment: the host name, and a home for a user without one. */
    private static Map<String, String> runtimeEnvironment(String hostname) {
        return Map.of("HOSTNAME", hostname, "HOME", "/");
    }

    /** {@code registry/ladd/trainer-service:0.1.0-SNAPSHOT-cuda} → {@code trainer-service}. */
    static String module(String image) {
        String repository = image.substring(image.lastIndexOf('/') + 1);
        return repository.contains(":") ? repository.substring(0, repository.indexOf(':')) : repository;
    }

    private static int serverPort(String deployment, String workload, Map<String, String> env) {
        String port = env.get("SERVER_PORT");
        if (port == null) {
            throw new AssertionError(deployment + ": " + workload + " has no SERVER_PORT: it would listen on its "
                    + "application.yml's port, which nothing here declares");
        }
        return Integer.parseInt(port.trim());
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static Map<String, String> strings(Map<String, Object> map) {
        Map<String, String> out = new LinkedHashMap<>();
        if (map != null) {
            map.forEach((k, v) -> out.put(k, v == null ? "" : String.valueOf(v)));
        }
        return out;
    }
}
