import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import java.io.*;
import java.nio.file.*;

/**
 * ADR 013: ../shared/onednn-repro's four SGD steps, from the same initial weights (its init.bin, written with DUMP=1),
 * on bytedeco's own libtorch 2.7.1 build (JavaCPP) — no DJL, none of the project's code. Prints the four losses.
 * <pre>
 *   mvn -q dependency:get -Dartifact=org.bytedeco:pytorch:2.7.1-1.5.12:jar:linux-x86_64   (and the plain jar,
 *       org.bytedeco:javacpp:1.5.12, org.bytedeco:openblas:0.3.30-1.5.12 with its linux-x86_64 jar)
 *   CP=(those five jars, ':'-separated); javac -cp $CP BdRepro.java; java -cp $CP:. BdRepro init.bin 4
 * </pre>
 */
public class BdRepro {
    static float[] all; static int off = 0;
    static Tensor take(long... shape) {
        int n = 1; for (long s : shape) n *= s;
        float[] a = new float[n]; System.arraycopy(all, off, a, 0, n); off += n;
        return Tensor.create(a, shape).clone();
    }
    public static void main(String[] args) throws Exception {
        byte[] b = Files.readAllBytes(Path.of(args[0]));
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
        all = new float[b.length / 4]; for (int i = 0; i < all.length; i++) all[i] = in.readFloat();
        torch.set_num_threads(2);
        Tensor x = take(16, 1, 32, 32), w1 = take(32, 1, 3, 3), b1 = take(32), w2 = take(1, 32, 3, 3), b2 = take(1);
        Tensor[] ps = {w1, b1, w2, b2};
        for (Tensor p : ps) p.requires_grad_(true);
        StringBuilder out = new StringBuilder();
        for (int s = 0; s < Integer.parseInt(args[1]); s++) {
            Tensor h = torch.relu(torch.conv2d(x, w1, new TensorOptional(b1), new long[]{1, 1}, new long[]{1, 1}, new long[]{1, 1}, 1));
            Tensor y = torch.conv2d(h, w2, new TensorOptional(b2), new long[]{1, 1}, new long[]{1, 1}, new long[]{1, 1}, 1);
            Tensor d = y.sub(x);
            Tensor loss = d.mul(d).mean();
            loss.backward();
            out.append(String.format("%.5f ", loss.item_float()));
            try (NoGradGuard g = new NoGradGuard()) {
                for (Tensor p : ps) { p.sub_(p.grad().mul(new Scalar(0.05f))); p.grad().zero_(); }
            }
        }
        System.out.println("bytedeco libtorch 2.7.1 losses " + out);
    }
}
