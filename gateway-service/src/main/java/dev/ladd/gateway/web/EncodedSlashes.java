package dev.ladd.gateway.web;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Checkpoint ids contain '/' ({@code RUN/step-N}), so clients send them URL-encoded as one path segment (here and
 * through the eval route). Tomcat refuses an encoded slash by default; passed through undecoded, it reaches
 * Spring's path matching inside its segment, and the proxy forwards the path as it came.
 */
@Configuration
class EncodedSlashes {

    @Bean
    TomcatConnectorCustomizer encodedSlashesInIds() {
        return connector -> connector.setEncodedSolidusHandling("passthrough");
    }
}
