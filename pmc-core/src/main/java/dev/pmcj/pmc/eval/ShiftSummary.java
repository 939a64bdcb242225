package dev.pmcj.pmc.eval;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Summary of per-token probability shifts {@code p_model - p_base} (each in [-1, 1]) for the report and
 * {@code metrics.json}. With no token the mean and median are NaN (null in the JSON).
 *
 * @param mean             mean shift
 * @param median           median shift (mean of the two middle values for an even count)
 * @param negativeFraction fraction of tokens whose probability went down (shift < 0)
 * @param count            tokens summarised
 * @param histogram        tokens per bin: {@link #BINS} equal bins over [-1, 1], bin i = [-1 + i w, -1 + (i+1) w)
 *                         with w = {@link #BIN_WIDTH}, the last bin closed at 1
 */
public record ShiftSummary(double mean, double median, double negativeFraction, int count, int[] histogram) {
    public static final int BINS = 40;
    public static final double BIN_WIDTH = 2.0 / BINS;

    public ShiftSummary {
        if (histogram.length != BINS) throw new IllegalArgumentException("histogram has " + histogram.length + " bins, expected " + BINS);
        histogram = histogram.clone();
    }

    /** @throws IllegalArgumentException if a shift lies outside [-1, 1] (not a difference of two probabilities) */
    public static ShiftSummary of(double[] shifts) {
        int[] hist = new int[BINS];
        double sum = 0;
        int negative = 0;
        for (int i = 0; i < shifts.length; i++) {
            double s = shifts[i];
            if (!(s >= -1 && s <= 1)) throw new IllegalArgumentException("shift[" + i + "] = " + s + " is outside [-1, 1]");
            hist[bin(s)]++;
            sum += s;
            if (s < 0) negative++;
        }
        int n = shifts.length;
        return new ShiftSummary(n == 0 ? Double.NaN : sum / n, median(shifts), n == 0 ? Double.NaN : (double) negative / n, n, hist);
    }

    /** The histogram bin of a shift in [-1, 1]. */
    public static int bin(double shift) {
        return Math.min(BINS - 1, (int) Math.floor((shift + 1) / BIN_WIDTH));
    }

    public static double binCentre(int bin) {
        return -1 + (bin + 0.5) * BIN_WIDTH;
    }

    private static double median(double[] values) {
        if (values.length == 0) return Double.NaN;
        double[] v = values.clone();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    @Override
    public int[] histogram() {
        return histogram.clone();
    }

    /** One line for the log. */
    public String describe() {
        return String.format(Locale.ROOT, "wikitext shift mean %.4f, median %.4f, %.1f%% negative over %d tokens",
                mean, median, 100 * negativeFraction, count);
    }

    /** The figures as {@code wikitext_shift_*} entries of a model's extra metrics. */
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("wikitext_shift_mean", mean);
        m.put("wikitext_shift_median", median);
        m.put("wikitext_shift_negative_fraction", negativeFraction);
        m.put("wikitext_shift_n", (double) count);
        return m;
    }
}
