package org.privspark.examples;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * How far one private aggregation's released groups are from the {@link BoundedReference}: over the
 * released groups, the median of |dp − ref| / ref for the count and the sum (in percent) and the
 * median of |dp − ref| for the mean (in the value's units). Medians, as in the comparison
 * with PipelineDP4j, so a few groups that a heavy unit happened to pick in one bounding and not in
 * the other do not dominate.
 *
 * <p>A released group that the reference does not hold (none of its units kept it there) has no
 * relative error: it is left out and counted in {@code released − matched}. NaN when no group could
 * be compared.
 *
 * @param released groups the DP query released
 * @param matched released groups that the reference also holds: the errors are over these
 * @param countPercent median relative error of the count, in percent
 * @param sumPercent median relative error of the sum, in percent (groups with a reference sum of 0
 *     left out)
 * @param meanAbsolute median absolute error of the mean
 */
public record Accuracy(
    long released, long matched, double countPercent, double sumPercent, double meanAbsolute) {

  /**
   * The errors of {@code released} (rows of {@code PrivateAggregation.run()}: columns {@code key},
   * {@code count}, {@code sum_<value>}, {@code mean_<value>}) against {@code reference}.
   */
  static Accuracy of(
      List<Row> released, Map<Integer, BoundedReference.Group> reference, String value) {
    int n = released.size();
    double[] count = new double[n];
    double[] sum = new double[n];
    double[] mean = new double[n];
    int matched = 0;
    int sums = 0;
    for (Row row : released) {
      BoundedReference.Group ref = reference.get(row.<Integer>getAs("key"));
      if (ref == null) {
        continue;
      }
      count[matched] = 100 * Math.abs(number(row, "count") - ref.count()) / ref.count();
      mean[matched] = Math.abs(number(row, "mean_" + value) - ref.mean());
      matched++;
      if (ref.sum() != 0) {
        sum[sums++] = 100 * Math.abs(number(row, "sum_" + value) - ref.sum()) / Math.abs(ref.sum());
      }
    }
    return new Accuracy(
        n, matched, median(count, matched), median(sum, sums), median(mean, matched));
  }

  private static double number(Row row, String column) {
    return row.<Number>getAs(column).doubleValue();
  }

  /** The median of the first {@code n} values, NaN if n = 0. */
  private static double median(double[] values, int n) {
    return n == 0 ? Double.NaN : BenchmarkRuns.median(Arrays.copyOf(values, n));
  }
}
