package dev.ladd.ml.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The grid models are drawn on for people to compare them: one row per class, prompted with the class's
 * first phrasing ("a photo of a …"), one column per seed 0 … seedsPerClass − 1 — the same prompts and seeds
 * for every model, so the teacher and the student can be laid side by side.
 */
public record ClassGrid(Prompts classes, int seedsPerClass) {

    public ClassGrid {
        if (seedsPerClass < 1) {
            throw new IllegalArgumentException("a class grid needs at least one seed per class, got " + seedsPerClass);
        }
    }

    /** The prompts in grid order (row by row). */
    public List<String> prompts() {
        List<String> prompts = new ArrayList<>();
        for (int label = 0; label < classes.numClasses(); label++) {
            for (int s = 0; s < seedsPerClass; s++) {
                prompts.add(classes.prompt(label, 0));
            }
        }
        return prompts;
    }

    /** The seeds in grid order. */
    public List<Long> seeds() {
        List<Long> seeds = new ArrayList<>();
        for (int label = 0; label < classes.numClasses(); label++) {
            for (long s = 0; s < seedsPerClass; s++) {
                seeds.add(s);
            }
        }
        return seeds;
    }

    /**
     * The PNG of the decoded images [prompts().size() · S · S] in [−1, 1], the 28×28 Fashion-MNIST picture cut
     * out of each padded S×S image.
     */
    public byte[] png(float[] images, int imageSize) {
        return ImageGrid.png(images, classes.numClasses(), seedsPerClass, imageSize, imageSize,
                (imageSize - FashionMnist.HEIGHT) / 2);
    }
}
