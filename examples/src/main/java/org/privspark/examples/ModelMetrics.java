package org.privspark.examples;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The exact (non-private) metrics that the wrapper benchmark and the wrappers' utility tests score
 * models with, on public test data or as a benchmark's yardstick: never released.
 */
public final class ModelMetrics {
  private ModelMetrics() {}

  /** The fraction of rows whose {@code prediction} equals their {@code label}. */
  public static double accuracy(Dataset<Row> predictions) {
    long total = predictions.count();
    long right = predictions.filter("prediction = label").count();
    return (double) right / total;
  }

  /**
   * The k-means objective: Σ over rows of the squared distance from {@code column} to the nearest
   * centre.
   */
  public static double kMeansCost(Dataset<Row> data, String column, Vector[] centers) {
    return data.select(column)
        .toJavaRDD()
        .map(
            row -> {
              Vector x = row.getAs(0);
              double best = Double.POSITIVE_INFINITY;
              for (Vector c : centers) {
                best = Math.min(best, Vectors.sqdist(x, c));
              }
              return best;
            })
        .reduce(Double::sum);
  }
}
