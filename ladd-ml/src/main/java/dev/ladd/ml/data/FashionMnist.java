package dev.ladd.ml.data;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Fashion-MNIST from its four standard IDX files ({@code train-images-idx3-ubyte.gz}, …, gzip'd or not) in
 * one folder: 60 000 training and 10 000 test images of 28×28, labels 0–9 ({@link #CLASS_NAMES}).
 *
 * <p>The folder is, in order: the one given to {@link #at(Path)}; for {@link #fromDefaultLocation()} the
 * system property {@value #DIRECTORY_PROPERTY}, the environment variable {@value #DIRECTORY_ENV}, or
 * {@code /usr/share/datasets/fashion-mnist} (where Debian's {@code dataset-fashion-mnist} installs it).
 */
public final class FashionMnist {

    public static final Path DEFAULT_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");
    public static final String DIRECTORY_PROPERTY = "ladd.fashion-mnist.dir";
    public static final String DIRECTORY_ENV = "LADD_FASHION_MNIST_DIR";
    public static final String INSTALL_HINT = "apt-get install dataset-fashion-mnist";

    public static final int HEIGHT = 28;
    public static final int WIDTH = 28;
    public static final int NUM_CLASSES = 10;
    /** The 10 classes in label order. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final Logger log = LoggerFactory.getLogger(FashionMnist.class);

    /** The two splits and the prefix of their file names. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String filePrefix;

        Split(String filePrefix) {
            this.filePrefix = filePrefix;
        }

        public String imagesFile() {
            return filePrefix + "-images-idx3-ubyte";
        }

        public String labelsFile() {
            return filePrefix + "-labels-idx1-ubyte";
        }
    }

    private final Path directory;

    private FashionMnist(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    public static FashionMnist at(Path directory) {
        return new FashionMnist(directory);
    }

    /** The folder named by {@value #DIRECTORY_PROPERTY}, else {@value #DIRECTORY_ENV}, else the Debian one. */
    public static FashionMnist fromDefaultLocation() {
        String property = System.getProperty(DIRECTORY_PROPERTY);
        if (property != null && !property.isBlank()) {
            return at(Path.of(property));
        }
        String env = System.getenv(DIRECTORY_ENV);
        if (env != null && !env.isBlank()) {
            return at(Path.of(env));
        }
        return at(DEFAULT_DIRECTORY);
    }

    public Path directory() {
        return directory;
    }

    /** Whether the folder holds all four files (gzip'd or not), without reading them. */
    public boolean isPresent() {
        for (Split split : Split.values()) {
            if (find(split.imagesFile()) == null || find(split.labelsFile()) == null) {
                return false;
            }
        }
        return true;
    }

    public LabeledImages train() throws IOException {
        return load(Split.TRAIN);
    }

    public LabeledImages test() throws IOException {
        return load(Split.TEST);
    }

    /** Reads and checks one split: 28×28 images, labels 0–9, as many labels as images. */
    public LabeledImages load(Split split) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new DatasetNotFoundException("Fashion-MNIST folder " + directory + " does not exist. "
                    + howToFix());
        }
        Path imagesFile = require(split.imagesFile());
        Path labelsFile = require(split.labelsFile());
        long start = System.nanoTime();
        Idx.Images images = Idx.readImages(imagesFile);
        int[] labels = Idx.readLabels(labelsFile);

        if (images.height() != HEIGHT || images.width() != WIDTH) {
            throw new DatasetFormatException(imagesFile + " holds " + images.height() + "x" + images.width()
                    + " images, Fashion-MNIST's are " + HEIGHT + "x" + WIDTH);
        }
        if (labels.length != images.count()) {
            throw new DatasetFormatException(imagesFile + " holds " + images.count() + " images but "
                    + labelsFile + " holds " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= NUM_CLASSES) {
                throw new DatasetFormatException(labelsFile + " has label " + labels[i] + " at index " + i
                        + ", Fashion-MNIST's labels are 0-" + (NUM_CLASSES - 1));
            }
        }
        log.info("loaded Fashion-MNIST {}: {} images of {}x{} from {} in {} ms", split, images.count(),
                HEIGHT, WIDTH, directory, (System.nanoTime() - start) / 1_000_000);
        return new LabeledImages(images.count(), HEIGHT, WIDTH, images.pixels(), labels);
    }

    public static String className(int label) {
        return CLASS_NAMES.get(label);
    }

    private Path require(String name) throws DatasetNotFoundException {
        Path file = find(name);
        if (file == null) {
            throw new DatasetNotFoundException("Fashion-MNIST file " + directory.resolve(name + ".gz")
                    + " (or " + name + " uncompressed) is missing. " + howToFix());
        }
        return file;
    }

    private Path find(String name) {
        for (Path candidate : List.of(directory.resolve(name + ".gz"), directory.resolve(name))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String howToFix() {
        return "Install it with `" + INSTALL_HINT + "` (puts it in " + DEFAULT_DIRECTORY
                + "), or point the system property -D" + DIRECTORY_PROPERTY + " or the environment variable "
                + DIRECTORY_ENV + " at a folder holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
                + "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.";
    }
}
