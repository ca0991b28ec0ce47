package org.privspark.jobs;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.types.StructType;

/**
 * Checks that the columns a job names are in its input, and suggests the nearest one when not. Only
 * column NAMES are read: they are the input's schema (a CSV header line, a Parquet footer), which
 * is public; no value is.
 */
final class Columns {
  /** At most this many of the input's columns are listed when none is near the one asked for. */
  private static final int LISTED = 30;

  private Columns() {}

  /**
   * Throws unless {@code column} is in {@code schema}.
   *
   * @param what what names the column, for the message (e.g. {@code --group-by})
   * @throws IllegalArgumentException "WHAT: no column `x` in the input; did you mean `y`?"
   */
  static void require(StructType schema, String column, String what) {
    List<String> names = Arrays.asList(schema.fieldNames());
    if (column == null || names.contains(column)) {
      return;
    }
    String nearest = nearest(names, column);
    String hint =
        nearest != null
            ? "did you mean `" + nearest + "`?"
            : "the input's columns are "
                + (names.size() <= LISTED
                    ? names
                    : names.subList(0, LISTED) + " and " + (names.size() - LISTED) + " more");
    throw new IllegalArgumentException(what + ": no column `" + column + "` in the input; " + hint);
  }

  /**
   * The name nearest to {@code wanted} by edit distance (ignoring case), if it is near enough to be
   * a typo.
   */
  static String nearest(List<String> names, String wanted) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String w = wanted.trim().toLowerCase(Locale.ROOT);
    for (String n : names) {
      int d = distance(n.trim().toLowerCase(Locale.ROOT), w);
      if (d < bestDistance) {
        best = n;
        bestDistance = d;
      }
    }
    // A third of the name's length, and at least 2: "hours_per_week" for "hours-per-week" is 2.
    return best != null && bestDistance <= Math.max(2, w.length() / 3) ? best : null;
  }

  /** The Levenshtein distance: insertions, deletions and substitutions of one character. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }
}
