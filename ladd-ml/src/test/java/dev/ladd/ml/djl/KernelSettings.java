package dev.ladd.ml.djl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The conv-training tests run twice (ladd-ml's pom): under libtorch's default kernels, as the services run, and
 * under oneDNN's portable setting ({@code ONEDNN_MAX_CPU_ISA=AVX}), so that a kernel-dependent failure shows on any
 * machine. Under the default kernels a machine whose backend the self-check finds broken skips the training tests,
 * saying why ({@link NumericalBackendCheckTest} asserts the refusal there); where the check passes they run and must
 * pass. Under the portable setting nothing is skipped: a broken backend fails every test.
 */
public final class KernelSettings {

    private KernelSettings() {
    }

    /** True in the run under the portable setting (oneDNN capped), false under libtorch's default kernels. */
    public static boolean portable() {
        String cap = System.getenv(NumericalBackendCheck.ONEDNN_CAP_VARIABLE);
        return cap != null && !cap.isBlank();
    }

    /** Call in a conv-training test class's {@code @BeforeAll}. */
    public static void skipTrainingWhereTheDefaultKernelsAreBroken() {
        if (!portable()) {
            NumericalBackendCheck.Result result = NumericalBackendCheck.result();
            assumeTrue(result.healthy(), () -> "default kernels on a broken backend, training refused: " + result.summary());
        }
    }
}
