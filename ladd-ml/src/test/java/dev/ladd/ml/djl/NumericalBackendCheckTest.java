package dev.ladd.ml.djl;

import ai.djl.ndarray.NDManager;
import dev.ladd.ml.data.TinyDataset;
import dev.ladd.ml.nn.Autoencoder;
import dev.ladd.ml.nn.AutoencoderConfig;
import dev.ladd.ml.train.AutoencoderTraining;
import dev.ladd.ml.train.AutoencoderTrainingState;
import dev.ladd.ml.train.TrainingMonitor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Tag("conv-training")
class NumericalBackendCheckTest {

    @Test
    void underThePortableSettingLibtorchComputesRight() {
        assumeTrue(KernelSettings.portable(), "the default-kernel run asserts the refusal where the check fails");
        NumericalBackendCheck.Result result = NumericalBackendCheck.run();
        assertThat(result.failures()).isEmpty();
        assertThat(result.healthy()).isTrue();
        assertThat(result.oneDnnCap()).isEqualTo(NumericalBackendCheck.ONEDNN_CAP);
        assertThat(result.summary()).contains("match the reference", "ONEDNN_MAX_CPU_ISA=AVX");
    }

    @Test
    void thePlainConvolutionWouldGetAWrongInputGradientWhereTheNetworksConvolutionGetsItRight() {
        // ADR 013 on the machine at hand: whether oneDNN's default kernels get the plain 3×3 convolution with one
        // output channel wrong is the CPU's business, but the networks' convolution must be right either way
        var c = new NumericalBackendCheck.ConvCase(2, 32, 1, 8, 3, 1, 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            List<String> plain = NumericalBackendCheck.checkPlainConvolution(manager, c, new java.util.SplittableRandom(3));
            List<String> networks = NumericalBackendCheck.checkConvolution(manager, c, new java.util.SplittableRandom(3));
            System.out.println("plain 3x3 convolution, 32 -> 1 channels, under " + (KernelSettings.portable()
                    ? "the portable setting" : "the default kernels") + ": " + (plain.isEmpty() ? "right" : plain));
            if (KernelSettings.portable() || NumericalBackendCheck.result().healthy()) {
                assertThat(networks).isEmpty();
            }
            if (KernelSettings.portable()) {
                assertThat(plain).isEmpty();
            }
        }
    }

    @Test
    void aBrokenBackendRefusesTrainingNamingWhatIsWrongAndTheFix() {
        NumericalBackendCheck.Result result = NumericalBackendCheck.result();
        assumeFalse(result.healthy(), "this machine's backend computes right under these kernels");
        assertThat(result.summary()).contains("wrong", "ONEDNN_MAX_CPU_ISA=AVX", "docs/adr/013");
        assumeFalse(KernelSettings.portable(), "the portable setting must compute right: the other test fails");
        try (NDManager manager = NDManager.newBaseManager()) {
            Autoencoder model = new Autoencoder(AutoencoderConfig.tiny());
            model.initialize(manager, 1);
            AutoencoderTrainingState state = AutoencoderTrainingState.start(model,
                    new AutoencoderTraining.Config(2, 4, 1e-3, 1e-4, 1));
            assertThatThrownBy(() -> AutoencoderTraining.train(state,
                    TinyDataset.generate(8, 4, 1).paddedTo32(), TrainingMonitor.NONE))
                    .isInstanceOf(NumericalBackendCheck.BrokenNumericalBackendException.class)
                    .hasMessageContaining("autoencoder training refused")
                    .hasMessageContaining(result.failures().get(0));
            assertThat(state.step()).isZero();
        }
    }

    @Test
    void theComparisonCatchesAWrongValueAndANaN() {
        double[] expected = {1.0, -2.0, 3.0};
        List<String> failures = new ArrayList<>();
        NumericalBackendCheck.compare("right", new float[]{1.0f, -2.0f, 3.0005f}, expected, failures);
        assertThat(failures).isEmpty();
        NumericalBackendCheck.compare("off", new float[]{1.0f, -2.1f, 3.0f}, expected, failures);
        NumericalBackendCheck.compare("nan", new float[]{1.0f, Float.NaN, 3.0f}, expected, failures);
        assertThat(failures).hasSize(2);
        assertThat(failures.get(0)).startsWith("off off by 0.1");
        assertThat(failures.get(1)).startsWith("nan off by Infinity");
    }

    @Test
    void theConvolutionProbeCoversTheShapesThatExposeTheDefect() {
        // through the networks' convolution, which avoids the defect: a regression of that avoidance fails the check
        // ADR 013: 3×3 convolutions whose output channels are not a multiple of oneDNN's 16-channel block
        assertThat(NumericalBackendCheck.CONV_CASES).anyMatch(c -> c.kernel() == 3 && c.out() == 1);
        assertThat(NumericalBackendCheck.CONV_CASES).anyMatch(c -> c.kernel() == 3 && c.out() % 16 != 0 && c.out() > 1);
    }
}
