package dev.ladd.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.ladd.deploy.Manifests.at;
import static dev.ladd.deploy.Manifests.component;
import static dev.ladd.deploy.Manifests.list;
import static dev.ladd.deploy.Manifests.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Helm chart in helm/ladd, through Helm itself (helm-java runs Helm's Go code in-process): it lints, it
 * renders with the default values and with values-gpu.yaml, the rendered manifests keep the promises of the
 * chart (probes, resources, non-root, a GPU only when asked for, nothing but the gateway exposed), and the
 * schema refuses bad values naming the field.
 */
class HelmChartTest {

    static final Path CHART = Path.of("..", "helm", "ladd").toAbsolutePath().normalize();
    static final Path GPU_VALUES = CHART.resolve("values-gpu.yaml");
    static final Set<String> SERVICES = Set.of("gateway", "teacher", "trainer", "eval", "inference");
    static final String GPU = "nvidia.com/gpu";

    /** The chart with every required secret given as a value (fresh random ones): what an install must pass. */
    static TemplateCommand template() {
        TemplateCommand command = templateWithoutSecrets();
        for (Map.Entry<String, String> secret : secretValues().entrySet()) {
            command = command.set(secret.getKey(), secret.getValue());
        }
        return command;
    }

    static TemplateCommand templateWithoutSecrets() {
        return new Helm(CHART).template().withName("ladd").withNamespace("ladd");
    }

    /** Every value the chart requires unless an existing Secret is named: random, as they must be. */
    static Map<String, String> secretValues() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("gateway.adminKey", randomSecret());
        values.put("serviceAuth.token", randomSecret());
        for (String service : List.of("gateway", "teacher", "trainer", "eval", "inference")) {
            values.put("postgresql.passwords." + service, randomSecret());
        }
        return values;
    }

    static String randomSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static Manifests render(boolean gpu) {
        TemplateCommand command = template();
        if (gpu) {
            command = command.withValuesFile(GPU_VALUES);
        }
        return Manifests.parse(command.call());
    }

    static Map<String, Object> container(Map<String, Object> deployment) {
        List<Map<String, Object>> containers = list(deployment, "spec.template.spec.containers");
        assertThat(containers).as("containers of %s", name(deployment)).hasSize(1);
        return containers.get(0);
    }

    /**
     * The image's environment, docker-compose and the chart's ConfigMap point the services at the same shipped
     * models (the default teacher, the metrics classifier, the default teacher's baselines), and each is in models/.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"LADD_TEACHER_DEFAULTMODELDIR", "LADD_EVAL_CLASSIFIERDIR", "LADD_EVAL_BASELINEFILES"})
    void theImageComposeAndTheChartNameTheSameShippedModels(String variable) throws Exception {
        org.w3c.dom.Element jib = ImageConfigTest.jibPlugin();
        String image = ImageConfigTest.text((org.w3c.dom.Element) jib.getElementsByTagName("environment").item(0), variable);
        Map<String, Object> compose = new Yaml(new LoaderOptions()).load(Files.readString(ImageConfigTest.ROOT
                .resolve("docker-compose.yml")));
        Object composed = at(compose, "x-service.environment." + variable);
        Object chart = at(render(false).named("ConfigMap", "ladd-platform"), "data." + variable);

        assertThat(image).as("the image's %s", variable).startsWith("/app/models/");
        assertThat(composed).as("docker-compose's %s", variable).isEqualTo(image);
        assertThat(chart).as("the chart's %s", variable).isEqualTo(image);
        assertThat(ImageConfigTest.ROOT.resolve(image.replaceFirst("^/app/", ""))).as("shipped in the image").exists();
    }

    @Test
    void lintPassesWithTheDefaultValues() {
        // lint reports a missing required value (a secret here) without failing; template fails: everySecretIsRequired
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    }

    @Test
    void lintPassesWithTheGpuValues(@TempDir Path dir) throws IOException {
        // helm-java's lint takes no values file: lint a copy whose values.yaml is the defaults merged with the GPU ones
        Path copy = copyChart(dir);
        Map<String, Object> merged = merge(load(CHART.resolve("values.yaml")), load(GPU_VALUES));
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(copy.resolve("values.yaml"), new Yaml(options).dump(merged));
        LintResult result = new Helm(copy).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint --strict (GPU values): %s", result.getMessages()).isFalse();
        assertThat(at(merged, "gpu.enabled").toString()).isEqualTo("true");
    }

    @ParameterizedTest(name = "gpu values: {0}")
    @ValueSource(booleans = {false, true})
    void everyDeploymentHasProbesResourcesAndANonRootSecurityContext(boolean gpu) {
        Manifests manifests = render(gpu);
        List<Map<String, Object>> deployments = manifests.ofKind("Deployment");
        assertThat(deployments).extracting(Manifests::component).containsExactlyInAnyOrderElementsOf(SERVICES);
        for (Map<String, Object> deployment : deployments) {
            String what = name(deployment);
            Map<String, Object> c = container(deployment);
            // the probes on the API port; the actuator itself is on the management port
            assertThat((String) at(c, "readinessProbe.httpGet.path")).as(what).isEqualTo("/readyz");
            assertThat((String) at(c, "livenessProbe.httpGet.path")).as(what).isEqualTo("/livez");
            assertThat((String) at(c, "startupProbe.httpGet.path")).as(what).isEqualTo("/livez");
            assertThat((String) at(c, "readinessProbe.httpGet.port")).as(what).isEqualTo("http");
            assertThat((Object) at(c, "resources.requests.cpu")).as(what + " cpu request").isNotNull();
            assertThat((Object) at(c, "resources.requests.memory")).as(what + " memory request").isNotNull();
            assertThat((Object) at(c, "resources.limits.memory")).as(what + " memory limit").isNotNull();

            Map<String, Object> pod = at(deployment, "spec.template.spec.securityContext");
            assertThat(pod).as(what).containsEntry("runAsNonRoot", true);
            assertThat((Integer) pod.get("runAsUser")).as(what).isPositive();
            assertThat((String) at(pod, "seccompProfile.type")).as(what).isEqualTo("RuntimeDefault");
            assertThat((Boolean) at(c, "securityContext.allowPrivilegeEscalation")).as(what).isFalse();
            assertThat((Boolean) at(c, "securityContext.readOnlyRootFilesystem")).as(what).isTrue();
            assertThat((List<String>) at(c, "securityContext.capabilities.drop")).as(what).containsExactly("ALL");
            assertThat(list(deployment, "spec.template.spec.volumes")).as(what + ": /tmp is an emptyDir")
                    .anySatisfy(v -> assertThat(v).containsEntry("name", "tmp").containsKey("emptyDir"));
            assertThat((Boolean) at(deployment, "spec.template.spec.automountServiceAccountToken")).as(what).isFalse();
            assertThat((Boolean) at(deployment, "spec.template.spec.enableServiceLinks"))
                    .as("%s: no LADD_<SERVICE>_PORT variables that Spring would read as ladd.* settings", what).isFalse();
            assertThat((String) at(deployment, "spec.template.spec.serviceAccountName")).as(what)
                    .isIn(manifests.names("ServiceAccount"));
        }
    }

    @Test
    void theTrainerRequestsAGpuOnlyWithTheGpuValues() {
        for (Map<String, Object> deployment : render(false).ofKind("Deployment")) {
            assertThat(resourceNames(container(deployment))).as(name(deployment)).doesNotContain(GPU);
            assertThat((Object) at(deployment, "spec.template.spec.tolerations")).as(name(deployment)).isNull();
        }
        Manifests gpu = render(true);
        for (Map<String, Object> deployment : gpu.ofKind("Deployment")) {
            Map<String, Object> c = container(deployment);
            if (component(deployment).equals("trainer")) {
                assertThat(String.valueOf((Object) at(c, "resources.limits"))).contains(GPU + "=1");
                assertThat((String) c.get("image")).endsWith("-cuda");
                assertThat((Map<String, Object>) at(deployment, "spec.template.spec.nodeSelector"))
                        .containsEntry("nvidia.com/gpu.present", "true");
                assertThat(list(deployment, "spec.template.spec.tolerations"))
                        .anySatisfy(t -> assertThat(t).containsEntry("key", GPU));
                assertThat((String) at(deployment, "spec.strategy.type")).isEqualTo("Recreate");
            } else {
                assertThat(resourceNames(c)).as(name(deployment)).doesNotContain(GPU);
                assertThat((String) c.get("image")).as(name(deployment)).doesNotEndWith("-cuda");
            }
        }
    }

    @Test
    void onlyTheGatewayIsExposed() {
        Manifests manifests = Manifests.parse(template()
                .set("gatewayService.type", "LoadBalancer").set("ingress.enabled", "true").call());
        for (Map<String, Object> service : manifests.ofKind("Service")) {
            String type = at(service, "spec.type");
            if (component(service).equals("gateway")) {
                assertThat(type).isEqualTo("LoadBalancer");
            } else {
                assertThat(type).as(name(service)).isEqualTo("ClusterIP");
            }
        }
        List<Map<String, Object>> ingresses = manifests.ofKind("Ingress");
        assertThat(ingresses).hasSize(1);
        for (Map<String, Object> rule : list(ingresses.get(0), "spec.rules")) {
            for (Map<String, Object> path : list(rule, "http.paths")) {
                assertThat((String) at(path, "backend.service.name")).isEqualTo("ladd-gateway");
            }
        }
        assertThat(manifests.ofKind("Service")).filteredOn(s -> "ladd-gateway".equals(name(s))).hasSize(1);
    }

    @ParameterizedTest(name = "gpu values: {0}")
    @ValueSource(booleans = {false, true})
    void networkPoliciesAdmitOutsideTrafficOnlyToTheGatewayAndOnlyTheGatewayToTheOthers(boolean gpu) {
        Manifests manifests = render(gpu);
        List<Map<String, Object>> policies = manifests.ofKind("NetworkPolicy");
        assertThat(policies).extracting(Manifests::component).containsExactlyInAnyOrderElementsOf(SERVICES);
        for (Map<String, Object> policy : policies) {
            String selected = (String) ((Map<String, Object>) at(policy, "spec.podSelector.matchLabels"))
                    .get("app.kubernetes.io/component");
            assertThat((List<String>) at(policy, "spec.policyTypes")).contains("Ingress", "Egress");
            List<Map<String, Object>> ingress = list(policy, "spec.ingress");
            assertThat(ingress).as("%s: no metrics scraper named, no rule for the management port", name(policy))
                    .hasSize(1);
            assertThat(list(ingress.get(0), "ports")).singleElement().satisfies(p -> assertThat(p).containsEntry("port", "http"));
            if (selected.equals("gateway")) {
                assertThat(ingress.get(0)).as("the gateway admits any source").doesNotContainKey("from");
            } else {
                assertThat(list(ingress.get(0), "from")).as(name(policy)).singleElement().satisfies(peer ->
                        assertThat((Map<String, Object>) at(peer, "podSelector.matchLabels"))
                                .containsEntry("app.kubernetes.io/instance", "ladd")
                                .containsEntry("app.kubernetes.io/component", "gateway"));
            }
            // only the gateway may open connections to the other services
            List<Map<String, Object>> toPods = list(policy, "spec.egress").stream().filter(rule -> list(rule, "to").stream()
                    .anyMatch(peer -> peer.containsKey("podSelector"))).toList();
            if (selected.equals("gateway")) {
                assertThat(toPods).extracting(rule -> (String) at(list(rule, "to").get(0), "podSelector.matchLabels")
                        .toString()).hasSize(4);
            } else {
                assertThat(toPods).as(name(policy)).isEmpty();
            }
        }
    }

    @Test
    void thePrometheusScraperReachesOnlyTheManagementPortAndFindsItByTheAnnotationsOrAServiceMonitor() {
        Manifests manifests = Manifests.parse(template()
                .set("networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.name", "monitoring")
                .set("metrics.serviceMonitor.enabled", "true").call());
        for (Map<String, Object> deployment : manifests.ofKind("Deployment")) {
            Map<String, Object> c = container(deployment);
            Map<String, Object> annotations = at(deployment, "spec.template.metadata.annotations");
            String managementPort = String.valueOf(list(c, "ports").stream().filter(p -> "management".equals(p.get("name")))
                    .findFirst().orElseThrow().get("containerPort"));
            assertThat(annotations).as(name(deployment)).containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", managementPort)
                    .containsEntry("prometheus.io/path", "/actuator/prometheus");
            assertThat(list(c, "env")).anySatisfy(e -> assertThat(e).containsEntry("name", "MANAGEMENT_SERVER_PORT")
                    .containsEntry("value", managementPort));
        }
        for (Map<String, Object> policy : manifests.ofKind("NetworkPolicy")) {
            List<Map<String, Object>> scraper = list(policy, "spec.ingress").stream()
                    .filter(rule -> list(rule, "from").stream().anyMatch(peer -> peer.containsKey("namespaceSelector")))
                    .toList();
            assertThat(scraper).as(name(policy)).singleElement().satisfies(rule -> assertThat(list(rule, "ports"))
                    .singleElement().satisfies(p -> assertThat(p).containsEntry("port", "management")));
        }
        Map<String, Object> monitor = manifests.named("ServiceMonitor", "ladd");
        assertThat(list(monitor, "spec.endpoints")).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("port", "management").containsEntry("path", "/actuator/prometheus"));
        Map<String, Object> metrics = manifests.named("Service", "ladd-metrics");
        assertThat((String) at(metrics, "spec.clusterIP")).isEqualTo("None");
        assertThat(list(metrics, "spec.ports")).singleElement().satisfies(p -> assertThat(p)
                .containsEntry("targetPort", "management"));
        // the public Service never carries the management port
        Manifests exposed = Manifests.parse(template().set("gatewayService.type", "LoadBalancer").call());
        assertThat(list(exposed.named("Service", "ladd-gateway"), "spec.ports")).extracting(p -> p.get("targetPort"))
                .containsExactly("http");
    }

    @Test
    void inferenceScalesPodsMayBeDisruptedOneAtATimeAndBlobsAreShared() {
        Manifests manifests = render(false);
        Map<String, Object> hpa = manifests.named("HorizontalPodAutoscaler", "ladd-inference");
        assertThat((String) at(hpa, "spec.scaleTargetRef.name")).isEqualTo("ladd-inference");
        assertThat((Object) at(manifests.named("Deployment", "ladd-inference"), "spec.replicas"))
                .as("the HPA owns the replica count").isNull();
        assertThat(manifests.ofKind("PodDisruptionBudget")).extracting(Manifests::component)
                .containsExactlyInAnyOrderElementsOf(SERVICES);
        Map<String, Object> pvc = manifests.named("PersistentVolumeClaim", "ladd-blobs");
        assertThat((List<String>) at(pvc, "spec.accessModes")).containsExactly("ReadWriteMany");
        for (Map<String, Object> deployment : manifests.ofKind("Deployment")) {
            assertThat(list(deployment, "spec.template.spec.volumes"))
                    .anySatisfy(v -> assertThat((String) at(v, "persistentVolumeClaim.claimName")).isEqualTo("ladd-blobs"));
        }
        Map<String, Object> config = manifests.named("ConfigMap", "ladd-platform");
        assertThat((Map<String, Object>) config.get("data"))
                .containsKeys("SPRING_CLOUD_STREAM_KAFKA_BINDER_BROKERS", "SPRING_DATASOURCE_URL", "LADD_BLOBSTORE_ROOT");
    }

    @Test
    void credentialsComeFromSecretsEachServiceHasItsOwnDatabaseRoleAndAnExistingSecretIsUsedAsIs() {
        Manifests own = render(false);
        assertThat(own.names("Secret")).containsExactlyInAnyOrder("ladd-postgresql", "ladd-gateway", "ladd-service-token");
        assertThat((Map<String, Object>) at(own.named("Secret", "ladd-postgresql"), "data")).containsOnlyKeys(
                "gateway-password", "teacher-password", "trainer-password", "eval-password", "inference-password");
        Map<String, Object> gateway = container(own.named("Deployment", "ladd-gateway"));
        assertThat(list(gateway, "env")).anySatisfy(e -> {
            assertThat(e).containsEntry("name", "LADD_GATEWAY_ADMIN_KEY");
            assertThat((String) at(e, "valueFrom.secretKeyRef.name")).isEqualTo("ladd-gateway");
        });
        assertThat(own.ofKind("ConfigMap").toString()).doesNotContainIgnoringCase("password")
                .doesNotContain("SPRING_DATASOURCE_USERNAME");
        for (Map<String, Object> deployment : own.ofKind("Deployment")) {
            String service = component(deployment);
            List<Map<String, Object>> env = list(container(deployment), "env");
            assertThat(env).as(service).anySatisfy(e -> assertThat(e).containsEntry("name", "SPRING_DATASOURCE_USERNAME")
                    .containsEntry("value", "ladd_" + service));
            assertThat(env).as(service).anySatisfy(e -> {
                assertThat(e).containsEntry("name", "SPRING_DATASOURCE_PASSWORD");
                assertThat((String) at(e, "valueFrom.secretKeyRef.key")).isEqualTo(service + "-password");
            });
            assertThat(env).as(service).anySatisfy(e -> {
                assertThat(e).containsEntry("name", "LADD_SERVICE_TOKEN");
                assertThat((String) at(e, "valueFrom.secretKeyRef.name")).isEqualTo("ladd-service-token");
            });
            if (!service.equals("gateway")) {
                assertThat(env).as(service).noneSatisfy(e -> assertThat(e).containsEntry("name", "LADD_GATEWAY_ADMIN_KEY"));
            }
        }

        Manifests external = Manifests.parse(templateWithoutSecrets().set("postgresql.existingSecret", "pg-credentials")
                .set("gateway.existingSecret", "gateway-keys").set("serviceAuth.existingSecret", "ladd-token").call());
        assertThat(external.names("Secret")).isEmpty();
        for (Map<String, Object> deployment : external.ofKind("Deployment")) {
            assertThat(list(container(deployment), "env")).anySatisfy(e -> {
                assertThat(e).containsEntry("name", "SPRING_DATASOURCE_PASSWORD");
                assertThat((String) at(e, "valueFrom.secretKeyRef.name")).isEqualTo("pg-credentials");
            }).anySatisfy(e -> {
                assertThat(e).containsEntry("name", "LADD_SERVICE_TOKEN");
                assertThat((String) at(e, "valueFrom.secretKeyRef.name")).isEqualTo("ladd-token");
            });
        }
    }

    /** No secret has a default: each one left out fails the install, naming it. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gateway.adminKey", "serviceAuth.token", "postgresql.passwords.gateway",
            "postgresql.passwords.teacher", "postgresql.passwords.trainer", "postgresql.passwords.eval",
            "postgresql.passwords.inference"})
    void everySecretIsRequired(String left) {
        TemplateCommand command = templateWithoutSecrets();
        for (Map.Entry<String, String> secret : secretValues().entrySet()) {
            if (!secret.getKey().equals(left)) {
                command = command.set(secret.getKey(), secret.getValue());
            }
        }
        TemplateCommand withoutIt = command;
        assertThatThrownBy(withoutIt::call).hasMessageContaining(left + " is required");
    }

    /**
     * The optional Job that makes the database roles runs the same script as docker-compose's db-users service, as a
     * pre-install and pre-upgrade hook. helm-java returns a release's manifest without its hooks: the Job is checked
     * on a copy of the chart without the hook annotations, which are checked in the template itself.
     */
    @Test
    void theDatabaseRolesJobRunsTheSameScriptBeforeInstallAndUpgrade(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> template().set("postgresql.createUsers.enabled", "true")
                .set("postgresql.createUsers.adminExistingSecret", "pg-admin").call())
                .hasMessageContaining("postgresql.createUsers needs postgresql.existingSecret");
        assertThatThrownBy(() -> template().set("postgresql.createUsers.enabled", "true")
                .set("postgresql.existingSecret", "pg-credentials").call())
                .hasMessageContaining("postgresql.createUsers.adminExistingSecret is required");
        Path template = CHART.resolve("templates/db-users-job.yaml");
        assertThat(Files.readAllLines(template)).filteredOn(l -> l.contains("helm.sh/hook: ")).hasSize(2)
                .allSatisfy(l -> assertThat(l).endsWith("helm.sh/hook: pre-install,pre-upgrade"));
        Manifests manifests = Manifests.parse(new Helm(chartWithHooksAsResources(dir)).template().withName("ladd").withNamespace("ladd")
                .set("postgresql.createUsers.enabled", "true").set("postgresql.existingSecret", "pg-credentials")
                .set("gateway.adminKey", randomSecret()).set("serviceAuth.token", randomSecret())
                .set("postgresql.createUsers.adminExistingSecret", "pg-admin").call());
        Map<String, Object> job = manifests.named("Job", "ladd-db-users");
        Map<String, Object> c = list(job, "spec.template.spec.containers").get(0);
        List<Map<String, Object>> env = list(c, "env");
        assertThat(env).anySatisfy(e -> assertThat(e).containsEntry("name", "PGHOST")
                .containsEntry("value", "postgresql.postgresql.svc.cluster.local"));
        assertThat(env).anySatisfy(e -> assertThat(e).containsEntry("name", "PGDATABASE").containsEntry("value", "ladd"));
        assertThat(env).anySatisfy(e -> {
            assertThat(e).containsEntry("name", "PGPASSWORD");
            assertThat((String) at(e, "valueFrom.secretKeyRef.name")).isEqualTo("pg-admin");
        });
        for (String service : SERVICES) {
            assertThat(env).anySatisfy(e -> assertThat(e).containsEntry("name", "LADD_DB_USER_" + service.toUpperCase())
                    .containsEntry("value", "ladd_" + service));
            assertThat(env).anySatisfy(e -> {
                assertThat(e).containsEntry("name", "LADD_DB_PASSWORD_" + service.toUpperCase());
                assertThat((String) at(e, "valueFrom.secretKeyRef.key")).isEqualTo(service + "-password");
            });
        }
        assertThat((Boolean) at(c, "securityContext.allowPrivilegeEscalation")).isFalse();
        Map<String, Object> scripts = manifests.named("ConfigMap", "ladd-db-users");
        Map<String, Object> files = at(scripts, "data");
        assertThat(files.get("db-users.sql")).isEqualTo(Files.readString(CHART.resolve("files/db-users.sql")));
        assertThat(files.get("db-users.psql")).isEqualTo(Files.readString(CHART.resolve("files/db-users.psql")));
        assertThat(render(false).ofKind("Job")).as("off by default").isEmpty();
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource(delimiter = '|', value = {
            "services.inference.replicas | -1      | services.inference.replicas: Must be greater than or equal to 0",
            "services.gateway.replicas   | two     | services.gateway.replicas: Invalid type. Expected: integer",
            "gatewayService.type         | Public  | gatewayService.type must be one of the following",
            "gpu.count                   | 0       | gpu.count: Must be greater than or equal to 1",
            "podSecurityContext.runAsUser| 0       | podSecurityContext.runAsUser: Must be greater than or equal to 1",
            "services.trainer.gpus       | 1       | services.trainer: Additional property gpus is not allowed",
            "kafka.bootstrapServers      | kafka   | kafka.bootstrapServers: Does not match pattern",
            "gateway.adminKey            | short   | gateway.adminKey: Does not match pattern",
            "serviceAuth.token           | short   | serviceAuth.token: Does not match pattern",
            "postgresql.users.gateway    | Gateway | postgresql.users.gateway: Does not match pattern",
            "services.eval.managementPort| 0       | services.eval.managementPort: Must be greater than or equal to 1",
    })
    void theSchemaRefusesBadValuesNamingTheField(String key, String value, String expected) {
        assertThatThrownBy(() -> template().set(key, value).call())
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(expected);
        assertThatThrownBy(() -> template().withValuesFile(GPU_VALUES).set(key, value).call())
                .as("with the GPU values too").hasMessageContaining(expected);
    }

    private static Set<String> resourceNames(Map<String, Object> container) {
        Map<String, Object> limits = at(container, "resources.limits");
        Map<String, Object> requests = at(container, "resources.requests");
        return Stream.of(limits, requests).filter(m -> m != null).flatMap(m -> m.keySet().stream())
                .collect(java.util.stream.Collectors.toSet());
    }

    /**
     * A copy of the chart whose hooks (the database roles Job and its ConfigMap) are plain resources, so that a
     * template shows them: helm-java returns a release's manifest without its hooks.
     */
    static Path chartWithHooksAsResources(Path dir) throws IOException {
        Path copy = copyChart(dir);
        Path job = copy.resolve("templates/db-users-job.yaml");
        Files.write(job, Files.readAllLines(job).stream().filter(l -> !l.contains("helm.sh/hook")).toList());
        return copy;
    }

    private static Path copyChart(Path dir) throws IOException {
        Path copy = dir.resolve("ladd");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(CHART.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        return copy;
    }

    private static Map<String, Object> load(Path file) throws IOException {
        return new Yaml(new LoaderOptions()).load(Files.readString(file));
    }

    /** Helm's merge of values files: maps merge key by key, anything else is replaced. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overlay) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        overlay.forEach((key, value) -> {
            Object old = merged.get(key);
            if (old instanceof Map<?, ?> oldMap && value instanceof Map<?, ?> newMap) {
                merged.put(key, merge((Map<String, Object>) oldMap, (Map<String, Object>) newMap));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }
}
