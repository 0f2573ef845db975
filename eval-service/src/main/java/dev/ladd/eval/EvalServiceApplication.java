package dev.ladd.eval;

import dev.ladd.platform.security.EnableServiceTokenCheck;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableServiceTokenCheck   // its API answers only the gateway (platform-support's ServiceTokenFilter)
public class EvalServiceApplication {
    /** Starts the service; the offline commands (train-classifier, report, baselines) are ladd-tools' (ADR 021). */
    public static void main(String[] args) {
        SpringApplication.run(EvalServiceApplication.class, args);
    }
}
