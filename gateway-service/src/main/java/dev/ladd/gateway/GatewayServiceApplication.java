package dev.ladd.gateway;

import dev.ladd.gateway.cli.LatencyBench;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayServiceApplication {
    /** Starts the service, or runs the {@code bench-latency} command when the first argument names it. */
    public static void main(String[] args) {
        if (args.length > 0 && LatencyBench.COMMANDS.contains(args[0])) {
            System.exit(LatencyBench.run(args));
        }
        SpringApplication.run(GatewayServiceApplication.class, args);
    }
}
