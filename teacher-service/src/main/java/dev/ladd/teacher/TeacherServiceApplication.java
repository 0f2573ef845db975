package dev.ladd.teacher;

import dev.ladd.platform.security.EnableServiceTokenCheck;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableServiceTokenCheck   // its API answers only the gateway (platform-support's ServiceTokenFilter)
public class TeacherServiceApplication {
    /** Starts the service (its offline commands live in ladd-tools: {@code java -jar ladd-tools.jar --help}). */
    public static void main(String[] args) {
        SpringApplication.run(TeacherServiceApplication.class, args);
    }
}
