package org.privspark.jobs;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code train} job's data, lazily: the input read with the job's options, the numeric features
 * (and a linear model's label) as numbers, the training label added. Reads schemas only.
 */
final class TrainingData {
  private TrainingData() {}

  /**
   * The data of {@code in}, ready for the pipeline; every column the feature specification names is
   * checked against the schema first (a misspelt one gets the nearest name).
   */
  static Dataset<Row> read(SparkSession spark, JobOptions.Input in, FeatureSpec fs, String kind) {
    Dataset<Row> raw = in.read(spark);
    // The label and the unit first: an input that lacks them is the wrong input, not a typo.
    Columns.require(raw.schema(), fs.label().column(), "feature specification label");
    Columns.require(raw.schema(), fs.unitColumn(), "feature specification unitColumn");
    for (String c : fs.columns()) {
      Columns.require(raw.schema(), c, "feature specification");
    }
    return labelled(numeric(in, raw, fs, kind), fs, kind);
  }

  /**
   * The numeric features, and a linear model's label, as numbers (a CSV read without --schema is
   * strings).
   */
  private static Dataset<Row> numeric(
      JobOptions.Input in, Dataset<Row> data, FeatureSpec fs, String kind) {
    List<String> columns =
        new ArrayList<>(fs.numeric().stream().map(FeatureSpec.Numeric::column).toList());
    if (kind.equals("linear")) {
      columns.add(fs.label().column());
    }
    return in.numeric(data, columns);
  }

  /** The data with the training label added; rows whose label is null are dropped. */
  private static Dataset<Row> labelled(Dataset<Row> data, FeatureSpec fs, String kind) {
    fs.requireLabelColumn(data.schema(), kind);
    if (Arrays.asList(data.columns()).contains(FeatureSpec.LABEL)) {
      throw new IllegalArgumentException(
          "the input must not have a column named " + FeatureSpec.LABEL + " (the job adds it)");
    }
    return data.where(col(fs.label().column()).isNotNull())
        .withColumn(FeatureSpec.LABEL, fs.trainingLabel(kind));
  }

  /** The label, as the job prints it. */
  static String describeLabel(FeatureSpec fs, String kind) {
    FeatureSpec.Label l = fs.label();
    return kind.equals("logistic")
        ? "'"
            + l.column()
            + "': 1 when "
            + (l.match().equals("prefix") ? "it starts with" : "it equals")
            + " '"
            + l.positive()
            + "', else 0"
        : "'"
            + l.column()
            + "' clamped to ["
            + l.lower()
            + ", "
            + l.upper()
            + "], scaled to [0, 1]";
  }
}
