package dev.ladd.ml.djl;

import ai.djl.ndarray.NDManager;

import java.util.SplittableRandom;

/**
 * ADR 013: a grid of 1,092 convolutions (C_in 1–64, C_out 1–64, 1×1 and 3×3, stride 1 and 2, 4–16 pixels, batch 4),
 * each through the networks' path (Conv3x3) and as a plain convolution, compared with NumericalBackendCheck's float64
 * references; prints every wrong case outside "3×3 with C_out mod 16 ≠ 0" and the counts. From the project root,
 * after a build (about 3 minutes on 2 cores):
 * <pre>
 *   ./mvnw -B -o -q -pl ladd-ml dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 *   CP=$(cat ladd-ml/target/cp.txt):ladd-ml/target/classes; mkdir -p /tmp/grid
 *   javac -cp $CP -d /tmp/grid docs/adr/013/ConvGridProbe.java
 *   java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -cp $CP:/tmp/grid dev.ladd.ml.djl.ConvGridProbe
 * </pre>
 */
public class ConvGridProbe {

    public static void main(String[] args) {
        int total = 0;
        int wrongNetworks = 0;
        int wrongPlain = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int in : new int[]{1, 3, 4, 8, 16, 32, 64}) {
                for (int out : new int[]{1, 2, 3, 4, 8, 12, 15, 16, 17, 24, 32, 48, 64}) {
                    for (int kernel : new int[]{1, 3}) {
                        for (int stride : new int[]{1, 2}) {
                            for (int size : new int[]{4, 8, 16}) {
                                var c = new NumericalBackendCheck.ConvCase(4, in, out, size, kernel, stride, kernel / 2);
                                total++;
                                var networks = NumericalBackendCheck.checkConvolution(manager, c, new SplittableRandom(total));
                                var plain = NumericalBackendCheck.checkPlainConvolution(manager, c, new SplittableRandom(total));
                                if (!networks.isEmpty()) {
                                    wrongNetworks++;
                                    System.out.println("networks' path wrong: " + networks);
                                }
                                if (!plain.isEmpty()) {
                                    wrongPlain++;
                                    if (kernel != 3 || out % 16 == 0) {
                                        System.out.println("plain convolution wrong outside 3×3 with C_out mod 16 ≠ 0: " + plain);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        System.out.printf("cases %d: networks' path wrong in %d, plain convolution wrong in %d%n", total, wrongNetworks, wrongPlain);
    }
}
