package dev.ladd.tools.trainer;

import java.util.List;
import java.util.Locale;

/**
 * The heads probe's plot as SVG: accuracy (0.4 … 1) against the re-noising level t̂ (bin centres), one line per
 * series, with the chance level dashed. Plain SVG so that the docs render it without a plotting library.
 */
final class AccuracyPlot {

    /** One line: its name and one accuracy per bin. */
    record Series(String name, double[] accuracy) {
    }

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
            "#e377c2", "#7f7f7f", "#17becf", "#bcbd22"};
    private static final int W = 640, H = 400, LEFT = 60, RIGHT = 220, TOP = 40, BOTTOM = 50;
    private static final double Y_MIN = 0.4, Y_MAX = 1.0;

    private AccuracyPlot() {
    }

    static String svg(String title, List<Series> series) {
        int bins = series.get(0).accuracy().length;
        double plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", W, H));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\">%s</text>%n", LEFT, escape(title)));
        for (int i = 0; i <= 6; i++) {
            double y = Y_MIN + i * (Y_MAX - Y_MIN) / 6;
            double py = TOP + plotH * (1 - (y - Y_MIN) / (Y_MAX - Y_MIN));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>%n", LEFT, py, LEFT + plotW, py, LEFT - 6, py + 4, y));
        }
        for (int k = 0; k <= bins; k++) {
            double px = LEFT + plotW * k / bins;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.1f</text>%n",
                    px, TOP + plotH + 18, (double) k / bins));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">re-noising level t̂ (bin)</text>%n",
                LEFT + plotW / 2, H - 10));
        s.append(String.format(Locale.ROOT, "<text transform=\"translate(16 %.1f) rotate(-90)\" text-anchor=\"middle\">"
                + "accuracy, real vs fake</text>%n", TOP + plotH / 2));
        double chance = TOP + plotH * (1 - (0.5 - Y_MIN) / (Y_MAX - Y_MIN));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" "
                + "stroke-dasharray=\"4 4\"/>%n", LEFT, chance, LEFT + plotW, chance));
        for (int i = 0; i < series.size(); i++) {
            Series one = series.get(i);
            String colour = COLOURS[i % COLOURS.length];
            StringBuilder points = new StringBuilder();
            for (int k = 0; k < bins; k++) {
                double a = Math.max(Y_MIN, Math.min(Y_MAX, one.accuracy()[k]));
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + plotW * (k + 0.5) / bins,
                        TOP + plotH * (1 - (a - Y_MIN) / (Y_MAX - Y_MIN))));
            }
            s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                    colour, points.toString().trim()));
            double ly = TOP + 10 + 18 * i;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                            + "stroke-width=\"2\"/><text x=\"%.1f\" y=\"%.1f\">%s</text>%n", LEFT + plotW + 12, ly,
                    LEFT + plotW + 32, ly, colour, LEFT + plotW + 38, ly + 4, escape(one.name())));
        }
        return s.append("</svg>\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
