package org.privspark.jobs;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;
import org.privspark.core.ledger.Receipt;

/**
 * Where the {@code train} job writes: the fitted model at {@code --model-out DIR} and its receipt
 * at {@code DIR.receipt.json}, neither of which may exist (models are never overwritten).
 */
final class ModelOutput {
  private final SparkSession spark;
  private final Path model;
  private final Path receipt;

  private ModelOutput(SparkSession spark, Path model, Path receipt) {
    this.spark = spark;
    this.model = model;
    this.receipt = receipt;
  }

  /**
   * The output at {@code modelOut}, checked absent before anything is charged.
   *
   * @throws IllegalArgumentException if the model or its receipt exists, or the path cannot be
   *     checked
   */
  static ModelOutput absent(SparkSession spark, String modelOut) {
    try {
      Path raw = new Path(modelOut);
      FileSystem fs = raw.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path model = fs.makeQualified(raw);
      Path receipt = new Path(model.getParent(), model.getName() + ".receipt.json");
      for (Path path : List.of(model, receipt)) {
        if (fs.exists(path)) {
          throw new IllegalArgumentException(
              "--model-out "
                  + modelOut
                  + ": "
                  + path
                  + " exists already; choose a new path (models are never overwritten)");
        }
      }
      return new ModelOutput(spark, model, receipt);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--model-out " + modelOut + " cannot be checked: " + e.getMessage(), e);
    }
  }

  Path model() {
    return model;
  }

  Path receipt() {
    return receipt;
  }

  /** Saves the fitted pipeline (Spark ML format). */
  void writeModel(PipelineModel fitted) throws IOException {
    fitted.write().save(model.toString());
  }

  /** Writes the entry's receipt beside the model. */
  void writeReceipt(Receipt entry, Map<String, Object> release) {
    new JobOutput(spark, model.getParent().toString(), "csv")
        .writeReceipt(model.getName(), entry, release);
  }
}
