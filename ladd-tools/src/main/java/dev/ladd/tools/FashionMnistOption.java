package dev.ladd.tools;

import dev.ladd.ml.data.FashionMnist;
import dev.ladd.ml.data.LabeledImages;
import dev.ladd.platform.cli.CommandLineOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The commands' {@code --data=DIR} option: Fashion-MNIST from that folder (else Debian's dataset-fashion-mnist
 * location), both splits padded to 32×32, and a line saying how many images each has.
 */
public record FashionMnistOption(LabeledImages train, LabeledImages test) {

    public static FashionMnistOption load(CommandLineOptions o, PrintStream out) throws IOException {
        FashionMnist dataset = o.has("data") ? FashionMnist.at(Path.of(o.get("data"))) : FashionMnist.fromDefaultLocation();
        FashionMnistOption data = new FashionMnistOption(dataset.train().paddedTo32(), dataset.test().paddedTo32());
        out.printf("Fashion-MNIST: %d training images, %d test images%n", data.train().count(), data.test().count());
        return data;
    }
}
