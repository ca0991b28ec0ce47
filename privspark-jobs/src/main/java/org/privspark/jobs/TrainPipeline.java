package org.privspark.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.privspark.spark.ml.DPLinearRegression;
import org.privspark.spark.ml.DPLogisticRegression;
import org.privspark.spark.ml.DpSgdEstimator;
import org.privspark.spark.ml.feature.PublicFeatureEncoder;

/**
 * The {@code train} job's Spark ML pipeline: the public feature encoder, the DP-SGD estimator and,
 * for a linear model, the stage that scales predictions back to the label's units.
 */
final class TrainPipeline {
  /** The linear model's prediction before it is scaled back to the label's units. */
  static final String SCALED_PREDICTION = "privspark_scaled_prediction";

  private TrainPipeline() {}

  /**
   * A new estimator of {@code kind} (logistic or linear) on the encoded features and the training
   * label.
   */
  static DpSgdEstimator<?, ?> estimator(String kind) {
    DpSgdEstimator<?, ?> e =
        kind.equals("logistic")
            ? new DPLogisticRegression()
            : new DPLinearRegression().setPredictionCol(SCALED_PREDICTION);
    e.setLabelCol(FeatureSpec.LABEL).setFeaturesCol("features");
    return e;
  }

  /** encoder → estimator (→ back to the label's units, for a linear model). */
  static Pipeline of(
      String kind, FeatureSpec fs, PublicFeatureEncoder encoder, DpSgdEstimator<?, ?> estimator) {
    List<PipelineStage> stages = new ArrayList<>(List.of(encoder, estimator));
    if (kind.equals("linear")) {
      // Back to the label's units: the estimator learns the label scaled to [0, 1] by its public
      // bounds.
      double lo = fs.label().lower();
      double hi = fs.label().upper();
      stages.add(
          new SQLTransformer()
              .setStatement(
                  String.format(
                      Locale.ROOT,
                      "SELECT *, %s * %s + %s AS prediction FROM __THIS__",
                      SCALED_PREDICTION,
                      Double.toString(hi - lo),
                      Double.toString(lo))));
    }
    return new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
  }
}
