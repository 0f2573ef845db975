package dev.ladd.platform;

import dev.ladd.events.ProtobufEnvelopeConverter;
import dev.ladd.ml.blob.BlobStore;
import dev.ladd.ml.blob.FileSystemBlobStore;
import dev.ladd.ml.djl.NumericalBackendCheck;
import dev.ladd.platform.db.AdvisoryLocks;
import dev.ladd.platform.events.IdempotentConsumer;
import dev.ladd.platform.events.Inbox;
import dev.ladd.platform.events.Outbox;
import dev.ladd.platform.events.OutboxProducerTimeouts;
import dev.ladd.platform.events.OutboxRelay;
import dev.ladd.platform.events.ParkedEvents;
import dev.ladd.platform.events.ParkedEventsController;
import dev.ladd.platform.security.CallerRole;
import dev.ladd.platform.health.NumericalBackendHealthIndicator;
import dev.ladd.platform.security.ServiceToken;
import dev.ladd.platform.web.ProblemDetailsAdvice;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnResource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;

/** The beans every service gets from platform-support; a service only adds its own listeners and logic. */
@AutoConfiguration
@EnableConfigurationProperties(PlatformProperties.class)
@Import({ProblemDetailsAdvice.class, ParkedEventsController.class})
public class PlatformSupportAutoConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Registered with Spring Cloud Stream: (de)serialises {@code application/x-protobuf} envelopes. */
    @Bean
    MessageConverter protobufEnvelopeConverter() {
        return new ProtobufEnvelopeConverter();
    }

    @Bean
    BlobStore blobStore(PlatformProperties properties) {
        try {
            return new FileSystemBlobStore(properties.blobStore().root());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the blob store at ladd.blob-store.root="
                    + properties.blobStore().root() + ": " + e.getMessage(), e);
        }
    }

    /** The service token every service needs (the gateway to send it, the others to check it); refused at start if weak. */
    @Bean
    ServiceToken serviceToken(PlatformProperties properties) {
        return new ServiceToken(properties.serviceAuth().token());
    }

    @Bean
    AdvisoryLocks advisoryLocks(DataSource dataSource, @Value("${spring.application.name}") String serviceName) {
        return new AdvisoryLocks(dataSource, serviceName);
    }

    @Bean
    Inbox inbox(JdbcTemplate jdbc) {
        return new Inbox(jdbc);
    }

    @Bean
    IdempotentConsumer idempotentConsumer(Inbox inbox, TransactionTemplate tx, MeterRegistry meters) {
        return new IdempotentConsumer(inbox, tx, meters);
    }

    @Bean
    OutboxRelay outboxRelay(JdbcTemplate jdbc, TransactionTemplate tx, StreamBridge bridge, PlatformProperties properties,
                            MeterRegistry meters) {
        return new OutboxRelay(jdbc, tx, bridge, properties.outbox(), meters);
    }

    /** The producers' timeouts from {@code ladd.outbox.send-timeout}: a send fails rather than stall the relay. */
    @Bean
    OutboxProducerTimeouts outboxProducerTimeouts(PlatformProperties properties) {
        return new OutboxProducerTimeouts(properties.outbox());
    }

    @Bean
    ParkedEvents parkedEvents(JdbcTemplate jdbc, OutboxRelay relay) {
        return new ParkedEvents(jdbc, relay);
    }

    /** Internal services trust the gateway's caller headers; the gateway declares its own (from the API key). */
    @Bean
    @ConditionalOnMissingBean
    CallerRole callerRole() {
        return CallerRole.fromGatewayHeaders();
    }

    @Bean
    Outbox outbox(JdbcTemplate jdbc, OutboxRelay relay, @Value("${spring.application.name}") String serviceName, Clock clock) {
        return new Outbox(jdbc, relay, serviceName, clock);
    }

    /** The relay's safety net: a periodic pass that sends what a crash or a broker outage left behind. */
    @Bean(destroyMethod = "shutdown")
    TaskScheduler outboxRelayScheduler(OutboxRelay relay, PlatformProperties properties) {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("outbox-poll-");
        scheduler.setDaemon(true);
        scheduler.initialize();
        scheduler.scheduleWithFixedDelay(relay::wakeUp, properties.outbox().pollInterval());
        return scheduler;
    }

    /**
     * In the services that run models (libtorch's natives on the class path): the numerical backend self-check,
     * logged at start and in the readiness group (each such service's application.yml includes it).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnResource(resources = "classpath:native/lib/pytorch.properties")
    static class NumericalBackendConfiguration {

        @Bean
        NumericalBackendHealthIndicator numericalBackendHealthIndicator() {
            return new NumericalBackendHealthIndicator(NumericalBackendCheck::result);
        }
    }
}
