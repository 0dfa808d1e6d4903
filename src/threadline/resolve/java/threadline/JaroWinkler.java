package threadline;

import org.apache.spark.sql.api.java.UDF2;

/**
 * DuckDB's {@code jaro_winkler_similarity} for Spark, to the last bit (Threadline's
 * resolve/spark_udfs.py builds and registers it; its docstring says why it exists).
 *
 * <p>On the strings' code points: each character of {@code y} in turn matches the first
 * unmatched equal character of {@code x} no further than {@code max(length) / 2 - 1}
 * positions away; matched characters that differ, taken in each string's order, count half a
 * transposition each, and their number is halved rounded down; the common prefix (up to 4)
 * adds a tenth of the gap to 1 per character when the Jaro similarity is above 0.7, the sum
 * rounded once (a fused multiply-add) or, as some builds of DuckDB do, twice
 * ({@link Twice}). Two empty strings score 0, and so do two different single characters.
 */
public class JaroWinkler implements UDF2<String, String, Double> {
    private static final long serialVersionUID = 1L;

    /**
     * The Winkler boost rounded twice (a multiply, then an add). It names the interface again:
     * Spark looks for it on the registered class itself, not on its parents.
     */
    public static final class Twice extends JaroWinkler
            implements UDF2<String, String, Double> {
        private static final long serialVersionUID = 1L;

        @Override
        double boost(double sim, int prefix) {
            return sim + prefix * 0.1 * (1.0 - sim);
        }
    }

    double boost(double sim, int prefix) {
        return Math.fma(prefix * 0.1, 1.0 - sim, sim);
    }

    @Override
    public Double call(String x, String y) {
        if (x == null || y == null) {
            return null;
        }
        if (x.equals(y)) {
            return x.isEmpty() ? 0.0 : 1.0;
        }
        int[] a = x.codePoints().toArray();
        int[] b = y.codePoints().toArray();
        if (a.length == 0 || b.length == 0 || (a.length == 1 && b.length == 1)) {
            return 0.0;
        }
        int window = Math.max(a.length, b.length) / 2 - 1;
        boolean[] taken = new boolean[a.length];
        boolean[] matched = new boolean[b.length];
        int m = 0;
        for (int j = 0; j < b.length; j++) {
            int last = Math.min(a.length - 1, j + window);
            for (int i = Math.max(0, j - window); i <= last; i++) {
                if (!taken[i] && a[i] == b[j]) {
                    taken[i] = true;
                    matched[j] = true;
                    m++;
                    break;
                }
            }
        }
        if (m == 0) {
            return 0.0;
        }
        int halves = 0;
        int i = 0;
        for (int j = 0; j < b.length; j++) {
            if (matched[j]) {
                while (!taken[i]) {
                    i++;
                }
                if (a[i] != b[j]) {
                    halves++;
                }
                i++;
            }
        }
        int transpositions = halves / 2;
        double sim = ((double) m / a.length + (double) m / b.length
                + (double) (m - transpositions) / m) / 3.0;
        if (!(sim > 0.7)) {
            return sim;
        }
        int prefix = 0;
        int most = Math.min(4, Math.min(a.length, b.length));
        while (prefix < most && a[prefix] == b[prefix]) {
            prefix++;
        }
        return boost(sim, prefix);
    }
}
