package dev.ladd.trainer;

import dev.ladd.trainer.cli.TrainerCommandLine;
import dev.ladd.platform.security.EnableServiceTokenCheck;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableServiceTokenCheck   // its API answers only the gateway (platform-support's ServiceTokenFilter)
public class TrainerServiceApplication {
    /** Starts the service, or runs one offline command when the first argument names one (see {@link TrainerCommandLine}). */
    public static void main(String[] args) {
        if (args.length > 0 && TrainerCommandLine.COMMANDS.contains(args[0])) {
            System.exit(TrainerCommandLine.run(args));
        }
        SpringApplication.run(TrainerServiceApplication.class, args);
    }
}
