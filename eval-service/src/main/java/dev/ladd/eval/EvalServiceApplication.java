package dev.ladd.eval;

import dev.ladd.eval.cli.EvalCommandLine;
import dev.ladd.platform.security.EnableServiceTokenCheck;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableServiceTokenCheck   // its API answers only the gateway (platform-support's ServiceTokenFilter)
public class EvalServiceApplication {
    /** Starts the service, or runs one offline job when the first argument names one (see {@link EvalCommandLine}). */
    public static void main(String[] args) {
        if (args.length > 0 && EvalCommandLine.COMMANDS.contains(args[0])) {
            System.exit(EvalCommandLine.run(args));
        }
        SpringApplication.run(EvalServiceApplication.class, args);
    }
}
