package dev.ladd.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.ladd.deploy.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image build's configuration (Jib in the root pom's pluginManagement) keeps its promises, and every place
 * that names a service's port agrees: the service's application.yml, its pom (the image's exposed port), the
 * chart's values and docker-compose.yml. Building the images needs Debian's apt-get and ~250 MB each, so it is a
 * documented command (README "Deploy"), not part of this build; this test guards what it would build.
 */
class ImageConfigTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    static Document pom(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    static String text(Element parent, String tag) {
        var nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }

    static Element jibPlugin() throws Exception {
        var plugins = pom(ROOT.resolve("pom.xml")).getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if ("jib-maven-plugin".equals(text(plugin, "artifactId"))) {
                return plugin;
            }
        }
        throw new AssertionError("no jib-maven-plugin in the root pom");
    }

    @Test
    void imagesRunAsNonRootWithContainerJvmFlagsAndDjlOffline() throws Exception {
        Element jib = jibPlugin();
        Element container = (Element) jib.getElementsByTagName("container").item(0);
        assertThat(text(container, "user")).isEqualTo("65532:65532");
        List<String> flags = new ArrayList<>();
        var jvmFlags = container.getElementsByTagName("jvmFlag");
        for (int i = 0; i < jvmFlags.getLength(); i++) {
            flags.add(jvmFlags.item(i).getTextContent().trim());
        }
        assertThat(flags).contains("-XX:MaxRAMPercentage=75", "-Dai.djl.offline=true");
        assertThat(flags).as("the heap follows the container's memory limit").noneMatch(f -> f.startsWith("-Xmx"));
        assertThat(text(container, "DJL_CACHE_DIR")).as("libtorch unpacks to the writable /tmp").startsWith("/tmp/");
        assertThat(text(jib, "from")).contains("${ladd.image.base}");
        String rootPom = Files.readString(ROOT.resolve("pom.xml"));
        assertThat(rootPom).contains("<jib.skip>true</jib.skip>");
        assertThat(ROOT.resolve("deploy/base-image/build.sh")).isExecutable();
    }

    /**
     * The models the images carry (the repository's models/ as /app/models) are named alike by the image's own
     * environment, docker-compose.yml and the chart's ConfigMap, and each names a folder that models/ has: the default
     * teacher, the metrics classifier and the default student with its teacher (docs/adr/014).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"LADD_TEACHER_DEFAULTMODELDIR", "LADD_EVAL_CLASSIFIERDIR", "LADD_TRAINER_DEFAULTSTUDENT_DIR",
            "LADD_TRAINER_DEFAULTSTUDENT_TEACHERDIR"})
    void everyPlaceNamesTheSameCommittedModelFolder(String variable) throws Exception {
        Element environment = (Element) ((Element) jibPlugin().getElementsByTagName("container").item(0))
                .getElementsByTagName("environment").item(0);
        String image = text(environment, variable);
        assertThat(image).as("the image's %s", variable).startsWith("/app/models/");
        assertThat(ROOT.resolve("models").resolve(image.substring("/app/models/".length()))).as(image).isDirectory();

        Map<String, Object> compose = new Yaml(new LoaderOptions()).load(Files.readString(ROOT.resolve("docker-compose.yml")));
        for (String service : List.of("gateway", "teacher", "trainer", "eval", "inference")) {
            assertThat(String.valueOf((Object) at(compose, "services." + service + ".environment." + variable)))
                    .as("compose %s's %s", service, variable).isEqualTo(image);
        }
        Map<String, Object> configMap = HelmChartTest.render(false).named("ConfigMap", "ladd-platform");
        assertThat((String) at(configMap, "data." + variable)).as("the chart's %s", variable).isEqualTo(image);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gateway", "teacher", "trainer", "eval", "inference"})
    void everyPlaceNamesTheSamePort(String service) throws Exception {
        Path module = ROOT.resolve(service + "-service");
        Map<String, Object> application = new Yaml(new LoaderOptions())
                .load(Files.readString(module.resolve("src/main/resources/application.yml")));
        int port = (Integer) at(application, "server.port");

        Element properties = (Element) pom(module.resolve("pom.xml")).getElementsByTagName("properties").item(0);
        assertThat(text(properties, "jib.skip")).as("%s builds an image", service).isEqualTo("false");
        assertThat(text(properties, "ladd.image.port")).as("%s image port", service).isEqualTo(String.valueOf(port));

        Map<String, Object> values = new Yaml(new LoaderOptions()).load(Files.readString(ROOT.resolve("helm/ladd/values.yaml")));
        assertThat((Integer) at(values, "services." + service + ".port")).as("%s chart port", service).isEqualTo(port);

        Map<String, Object> compose = new Yaml(new LoaderOptions()).load(Files.readString(ROOT.resolve("docker-compose.yml")));
        assertThat(String.valueOf((Object) at(compose, "services." + service + ".environment.SERVER_PORT")))
                .as("%s compose port", service).isEqualTo(String.valueOf(port));
        // the actuator's own port (metrics, health details): the same in compose and the chart, never the API's
        Object management = at(values, "services." + service + ".managementPort");
        assertThat(management).as("%s chart management port", service).isNotEqualTo(port);
        assertThat(String.valueOf((Object) at(compose, "services." + service + ".environment.MANAGEMENT_SERVER_PORT")))
                .as("%s compose management port", service).isEqualTo(String.valueOf(management));
    }
}
