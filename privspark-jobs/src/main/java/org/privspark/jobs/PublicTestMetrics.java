package org.privspark.jobs;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The {@code train} job's metrics on a PUBLIC test set ({@code --public-test}), as one line of
 * JSON: accuracy and AUC for a logistic model, RMSE and R² (in the label's units) for a linear one.
 * They are exact, not differentially private, which is why the test set must be public; no row
 * count is printed.
 */
final class PublicTestMetrics {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PublicTestMetrics() {}

  /** The metrics of {@code fitted} on {@code testData} (read from {@code testPath}). */
  static String json(
      PipelineModel fitted, Dataset<Row> testData, FeatureSpec fs, String kind, String testPath)
      throws JsonProcessingException {
    Dataset<Row> predictions = fitted.transform(testData).cache();
    try {
      ObjectNode o = JSON.createObjectNode();
      o.put("model", kind);
      o.put("publicTest", testPath);
      if (kind.equals("logistic")) {
        o.put(
            "accuracy",
            new MulticlassClassificationEvaluator()
                .setLabelCol(FeatureSpec.LABEL)
                .setPredictionCol("prediction")
                .setMetricName("accuracy")
                .evaluate(predictions));
        o.put(
            "auc",
            new BinaryClassificationEvaluator()
                .setLabelCol(FeatureSpec.LABEL)
                .setRawPredictionCol("rawPrediction")
                .setMetricName("areaUnderROC")
                .evaluate(predictions));
      } else {
        Dataset<Row> withLabel =
            predictions.withColumn(
                "privspark_label_value", col(fs.label().column()).cast("double"));
        RegressionEvaluator ev =
            new RegressionEvaluator()
                .setLabelCol("privspark_label_value")
                .setPredictionCol("prediction");
        o.put("rmse", ev.setMetricName("rmse").evaluate(withLabel));
        o.put("r2", ev.setMetricName("r2").evaluate(withLabel));
      }
      o.put("private", false);
      o.put("note", "exact metrics on the public test set: not differentially private");
      return JSON.writeValueAsString(o);
    } finally {
      predictions.unpersist();
    }
  }
}
