package dev.ladd.ml.djl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The conv-training tests run twice (ladd-ml's pom): under the platform's oneDNN cap, and under libtorch's default
 * kernels ({@code ladd.test.kernels=default}, {@code ONEDNN_MAX_CPU_ISA} unset), so that a kernel-dependent failure
 * shows on any machine. Under the default kernels a machine whose backend the self-check finds broken skips the
 * training tests (saying why: {@link NumericalBackendCheckTest} asserts the refusal there); a machine where the check
 * passes runs them and must pass them. Under the cap nothing is skipped: a broken backend fails every test.
 */
public final class DefaultKernels {

    private DefaultKernels() {
    }

    public static boolean thisRunUsesThem() {
        return "default".equals(System.getProperty("ladd.test.kernels"));
    }

    /** Call in a conv-training test class's {@code @BeforeAll}. */
    public static void skipTrainingWhereTheBackendIsBroken() {
        if (thisRunUsesThem()) {
            NumericalBackendCheck.Result result = NumericalBackendCheck.result();
            assumeTrue(result.healthy(), () -> "default kernels on a broken backend, training refused: " + result.summary());
        }
    }
}
