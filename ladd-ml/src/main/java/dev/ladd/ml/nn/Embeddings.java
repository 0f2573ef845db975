package dev.ladd.ml.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Fixed (not learned) sinusoidal embeddings of positions and timesteps. */
public final class Embeddings {

    private Embeddings() {
    }

    /**
     * 2D sin-cos position embedding for a {@code rows × cols} token grid (row-major token order), as in
     * MAE/DiT: half the channels encode the row, half the column. Works for any grid, square or not.
     *
     * @return [rows · cols, width]
     */
    public static NDArray gridPositions(NDManager manager, int rows, int cols, int width) {
        if (width % 4 != 0) {
            throw new IllegalArgumentException("position width must be a multiple of 4, got " + width);
        }
        int quarter = width / 4;
        float[] table = new float[rows * cols * width];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int base = (r * cols + c) * width;
                for (int i = 0; i < quarter; i++) {
                    double omega = 1.0 / Math.pow(10000, (double) i / quarter);
                    table[base + i] = (float) Math.sin(r * omega);
                    table[base + quarter + i] = (float) Math.cos(r * omega);
                    table[base + 2 * quarter + i] = (float) Math.sin(c * omega);
                    table[base + 3 * quarter + i] = (float) Math.cos(c * omega);
                }
            }
        }
        return manager.create(table, new Shape(rows * cols, width));
    }

    /**
     * Sinusoidal embedding of continuous timesteps t ∈ [0, 1] (scaled by 1000, as diffusion models do).
     *
     * @param t [B]
     * @return [B, width]
     */
    public static NDArray timesteps(NDArray t, int width) {
        int half = width / 2;
        float[] frequencies = new float[half];
        for (int i = 0; i < half; i++) {
            frequencies[i] = (float) (1000.0 * Math.exp(-Math.log(10000) * i / half));
        }
        NDArray args = t.expandDims(1).mul(t.getManager().create(frequencies).expandDims(0)); // [B, half]
        return args.cos().concat(args.sin(), 1);
    }
}
