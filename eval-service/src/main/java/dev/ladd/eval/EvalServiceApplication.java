package dev.ladd.eval;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class EvalServiceApplication {
    public static void main(String[] args) {
        SpringApplication.run(EvalServiceApplication.class, args);
    }
}
