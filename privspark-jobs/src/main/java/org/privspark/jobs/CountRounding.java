package org.privspark.jobs;

import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;

import java.util.Collection;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Releases counts as integers: the noisy count rounded to the nearest integer (halves up), its 95%
 * interval's ends rounded outward (floor of the lower end, ceiling of the upper end), so that an
 * interval that held the true count still does (the true count is an integer). Its {@code
 * _noise_std} is left as it is: that of the noise, before rounding.
 *
 * <p><b>Why it is free.</b> It is post-processing: a function of the released noisy values alone,
 * applied after the mechanism, so the release keeps the mechanism's (ε, δ) and nothing is charged
 * (docs/AGGREGATIONS.md, "Rounded counts"). Rounding also cannot fail: Spark's floor and ceiling of
 * a double saturate to a bigint instead of raising, so nothing data-dependent fails after the
 * charge.
 */
final class CountRounding {
  private CountRounding() {}

  /**
   * {@code result} with each statistic in {@code counts} (its value and interval columns) rounded.
   */
  static Dataset<Row> apply(Dataset<Row> result, Collection<String> counts) {
    Dataset<Row> out = result;
    for (String c : counts) {
      out =
          out.withColumn(c, floor(col(c).plus(lit(0.5))))
              .withColumn(c + "_ci_low", floor(col(c + "_ci_low")))
              .withColumn(c + "_ci_high", ceil(col(c + "_ci_high")));
    }
    return out;
  }
}
