package dev.ladd.platform.health;

import dev.ladd.ml.djl.NumericalBackendCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.function.Supplier;

/**
 * Whether libtorch computes right on this machine ({@link NumericalBackendCheck}): checked once at start, before
 * the service reports ready, logged, and part of the readiness group of every service that runs models — a
 * service whose backend computes wrong gradients must not take work (docs/adr/013-onednn-conv-gradients.md).
 */
public class NumericalBackendHealthIndicator implements HealthIndicator, ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(NumericalBackendHealthIndicator.class);

    private final Supplier<NumericalBackendCheck.Result> check;

    public NumericalBackendHealthIndicator(Supplier<NumericalBackendCheck.Result> check) {
        this.check = check;
    }

    /** Runs the check at start so that its verdict is in the log before the first request. */
    @Override
    public void run(ApplicationArguments args) {
        NumericalBackendCheck.Result result = check.get();
        if (result.healthy()) {
            log.info("Numerical backend self-check passed: {}", result.summary());
        } else {
            log.error("Numerical backend self-check FAILED, this service will not report ready: {}", result.summary());
        }
    }

    @Override
    public Health health() {
        NumericalBackendCheck.Result result = check.get();
        Health.Builder health = result.healthy() ? Health.up() : Health.down();
        return health.withDetail("summary", result.summary())
                .withDetail(NumericalBackendCheck.ONEDNN_CAP_VARIABLE, result.oneDnnSetting())
                .withDetail("failures", result.failures())
                .build();
    }
}
