package dev.ladd.teacher;

import dev.ladd.teacher.cli.TeacherCommandLine;
import dev.ladd.platform.security.EnableServiceTokenCheck;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableServiceTokenCheck   // its API answers only the gateway (platform-support's ServiceTokenFilter)
public class TeacherServiceApplication {
    /** Starts the service, or runs one offline job when the first argument names one (see {@link TeacherCommandLine}). */
    public static void main(String[] args) {
        if (args.length > 0 && TeacherCommandLine.COMMANDS.contains(args[0])) {
            System.exit(TeacherCommandLine.run(args));
        }
        SpringApplication.run(TeacherServiceApplication.class, args);
    }
}
