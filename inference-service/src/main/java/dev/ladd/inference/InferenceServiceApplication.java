package dev.ladd.inference;

import dev.ladd.inference.cli.InferenceCommandLine;
import dev.ladd.platform.security.EnableServiceTokenCheck;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableServiceTokenCheck   // its API answers only the gateway (platform-support's ServiceTokenFilter)
public class InferenceServiceApplication {
    /** Starts the service, or runs one offline command when the first argument names one (see {@link InferenceCommandLine}). */
    public static void main(String[] args) {
        if (args.length > 0 && InferenceCommandLine.COMMANDS.contains(args[0])) {
            System.exit(InferenceCommandLine.run(args));
        }
        SpringApplication.run(InferenceServiceApplication.class, args);
    }
}
