package org.privspark.spark.ml;

import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.spark.ml.params.UnitGradient;
import org.privspark.spark.ml.params.VectorModel;
import scala.Option;

/**
 * What the DP-SGD models share: the weights, the cost of training them ({@link PrivacyRecord}), the
 * features and prediction params, and persistence.
 *
 * <p><b>Saved layout</b> (like Spark's own models): {@code <path>/metadata/} holds Spark's params
 * metadata ({@code DefaultParamsWriter}: class, uid, Spark version, params); {@code <path>/data/}
 * holds one Parquet row with {@code formatVersion}, the coefficients, the intercept and every field
 * of the {@link PrivacyRecord}, its unit and ledger entry included. The reader checks the class
 * name and refuses a format version it does not know. Nothing saved is computed from the data
 * except through a DP release.
 *
 * <p>Using a model is post-processing of a DP release: transforming any data costs no budget.
 *
 * @param <M> the model type
 */
public abstract class DpSgdModel<M extends DpSgdModel<M>> extends VectorModel<M>
    implements MLWritable {
  private static final long serialVersionUID = 1L;

  /**
   * The version of the {@code data/} layout this code writes. Version 5 added adaptive clipping
   * ({@code initialClipNorm}, {@code targetUnclippedQuantile}, {@code clipLearningRate}, {@code
   * clipCountNoiseStd}, {@code gradientNoiseMultiplier}, all null for a fixed C; {@code clipNorm}
   * is then the final C); earlier versions read as fixed C. Version 4 added {@code unitGradient}
   * ("mean" or "sum"); earlier versions read as "sum", the only mode they had. Version 3 added the
   * privacy unit ({@code privacyUnit}, {@code rowIsUnit}, {@code maxRowsPerUnit}) and the ledger
   * entry ({@code ledgerOrigin}, {@code ledgerIndex}); {@code numExamples} and {@code
   * numExamplesNoiseStd} keep their names and now hold the number of units (rows, in row-level
   * mode). Versions 1 and 2 were row-level runs and are read as such, with no unit name and no
   * ledger entry. Version 2 added {@code numExamplesNoiseStd}; version 1 (read as N public, noise
   * 0) saved the exact count of the kept rows as {@code numExamples} when no public N was given.
   */
  static final int FORMAT_VERSION = 5;

  private final double[] coefficients;
  private final double intercept;
  private final PrivacyRecord record;

  /**
   * A model of {@code coefficients} (copied) and {@code intercept}, trained at the cost {@code
   * record}.
   */
  protected DpSgdModel(String uid, double[] coefficients, double intercept, PrivacyRecord record) {
    super(uid);
    this.coefficients = coefficients.clone();
    this.intercept = intercept;
    this.record = record;
  }

  /**
   * The coefficients (a copy).
   *
   * @return the weights w, one per feature
   */
  public Vector coefficients() {
    return Vectors.dense(coefficients.clone());
  }

  /**
   * The intercept (0 when none was fitted).
   *
   * @return the intercept b, 0 when none was fitted
   */
  public double intercept() {
    return intercept;
  }

  /**
   * The number of features.
   *
   * @return the number of features the model expects
   */
  public int numFeatures() {
    return coefficients.length;
  }

  /**
   * What training cost.
   *
   * @return the record: cost, unit and where the charge was recorded
   */
  public PrivacyRecord privacyRecord() {
    return record;
  }

  /**
   * The event charged for training: the steps, composed with the DP count of the rows when N was
   * counted ({@link PrivacyRecord#event()}).
   */
  public PrivacyEvent privacyEvent() {
    return record.event();
  }

  /** Whom the training run protects, and its ledger entry ({@link PrivacyRecord#unit()}). */
  public PrivacyRecord.Unit unit() {
    return record.unit();
  }

  /**
   * ε of the training run at {@link #delta()}, per privacy unit.
   *
   * @return ε of the training run
   */
  public double epsilon() {
    return record.epsilon();
  }

  /**
   * The δ of {@link #epsilon()}.
   *
   * @return δ of the training run
   */
  public double delta() {
    return record.delta();
  }

  /**
   * The noise multiplier z = σ/C used.
   *
   * @return z = σ/C of the training run
   */
  public double noiseMultiplier() {
    return record.noiseMultiplier();
  }

  final double[] rawCoefficients() {
    return coefficients;
  }

  /** Checks the features column and that no output column exists yet. */
  final void checkInput(StructType schema) {
    StructField f = DpSgdEstimator.field(schema, $(featuresCol()), "featuresCol");
    if (!(f.dataType() instanceof VectorUDT)) {
      throw new IllegalArgumentException(
          "featuresCol '"
              + $(featuresCol())
              + "' must be a vector column; got "
              + f.dataType().simpleString());
    }
  }

  static void checkAbsent(StructType schema, String column, String param) {
    for (String name : schema.fieldNames()) {
      if (name.equals(column)) {
        throw new IllegalArgumentException(
            param
                + " must name a column not in the input; got '"
                + column
                + "' (set "
                + param
                + " to another name)");
      }
    }
  }

  /**
   * w·x + b for a features vector of the model's size. Runs on the executors over rows that may be
   * private, so a wrong size is refused without quoting the row's size.
   */
  static double margin(double[] w, double b, Vector x) {
    if (x.size() != w.length) {
      throw new IllegalArgumentException(
          "featuresCol vectors must have the model's " + w.length + " features");
    }
    return DpSgd.margin(w, w.length, false, x) + b;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName()
        + ": uid="
        + uid()
        + ", numFeatures="
        + coefficients.length
        + ", epsilon="
        + record.epsilon()
        + " at delta="
        + record.delta()
        + " per "
        + (record.unit().privacyUnit() == null ? "unit" : record.unit().privacyUnit())
        + (record.unit().rowIsUnit()
            ? " (one row per unit)"
            : ", maxRowsPerUnit="
                + record.unit().maxRowsPerUnit()
                + ", unitGradient="
                + record.unitGradient().value())
        + (record.adaptive()
            ? ", adaptiveClipping: final clipNorm="
                + record.clipNorm()
                + " from "
                + record.adaptiveClipping().initialClipNorm()
                + ", targetUnclippedQuantile="
                + record.adaptiveClipping().targetUnclippedQuantile()
                + ", clipLearningRate="
                + record.adaptiveClipping().clipLearningRate()
                + ", clipCountNoiseStd="
                + record.adaptiveClipping().clipCountNoiseStd()
            : "");
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  private static final StructType DATA_SCHEMA =
      new StructType()
          .add("formatVersion", DataTypes.IntegerType, false)
          .add("coefficients", new VectorUDT(), false)
          .add("intercept", DataTypes.DoubleType, false)
          .add("sampleRate", DataTypes.DoubleType, false)
          .add("noiseMultiplier", DataTypes.DoubleType, false)
          .add("steps", DataTypes.LongType, false)
          .add("clipNorm", DataTypes.DoubleType, false)
          .add("noiseStd", DataTypes.DoubleType, false)
          .add("epsilon", DataTypes.DoubleType, false)
          .add("delta", DataTypes.DoubleType, false)
          .add("numExamples", DataTypes.LongType, false)
          .add("numExamplesNoiseStd", DataTypes.DoubleType, false)
          .add("privacyUnit", DataTypes.StringType, true)
          .add("rowIsUnit", DataTypes.BooleanType, false)
          .add("maxRowsPerUnit", DataTypes.IntegerType, false)
          .add("ledgerOrigin", DataTypes.StringType, true)
          .add("ledgerIndex", DataTypes.LongType, false)
          .add("unitGradient", DataTypes.StringType, false)
          .add("initialClipNorm", DataTypes.DoubleType, true)
          .add("targetUnclippedQuantile", DataTypes.DoubleType, true)
          .add("clipLearningRate", DataTypes.DoubleType, true)
          .add("clipCountNoiseStd", DataTypes.DoubleType, true)
          .add("gradientNoiseMultiplier", DataTypes.DoubleType, true);

  /** Writes metadata (Spark's) and data (one Parquet row). */
  private static final class Writer extends MLWriter {
    private final DpSgdModel<?> model;

    Writer(DpSgdModel<?> model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      SparkSession spark = sparkSession();
      DefaultParamsWriter.saveMetadata(model, path, spark);
      PrivacyRecord r = model.record;
      PrivacyRecord.AdaptiveClipping a = r.adaptiveClipping();
      Row row =
          RowFactory.create(
              FORMAT_VERSION,
              Vectors.dense(model.coefficients.clone()),
              model.intercept,
              r.sampleRate(),
              r.noiseMultiplier(),
              r.steps(),
              r.clipNorm(),
              r.noiseStd(),
              r.epsilon(),
              r.delta(),
              r.numUnits(),
              r.numUnitsNoiseStd(),
              r.unit().privacyUnit(),
              r.unit().rowIsUnit(),
              r.unit().maxRowsPerUnit(),
              r.unit().ledgerOrigin(),
              r.unit().ledgerIndex(),
              r.unitGradient().value(),
              a == null ? null : a.initialClipNorm(),
              a == null ? null : a.targetUnclippedQuantile(),
              a == null ? null : a.clipLearningRate(),
              a == null ? null : a.clipCountNoiseStd(),
              a == null ? null : a.gradientNoiseMultiplier());
      spark
          .createDataFrame(List.of(row), DATA_SCHEMA)
          .repartition(1)
          .write()
          .parquet(path + "/data");
    }
  }

  /** Builds a model of the reader's class from saved state. */
  interface Factory<M> {
    M create(String uid, double[] coefficients, double intercept, PrivacyRecord record);
  }

  /** Reads what {@link Writer} wrote, for a model class {@code className}. */
  static final class Reader<M extends DpSgdModel<M>> extends MLReader<M> {
    private final String className;
    private final Factory<M> factory;

    Reader(String className, Factory<M> factory) {
      this.className = className;
      this.factory = factory;
    }

    @Override
    public M load(String path) {
      SparkSession spark = sparkSession();
      DefaultParamsReader.Metadata metadata =
          DefaultParamsReader.loadMetadata(path, spark, className);
      Row row = spark.read().parquet(path + "/data").head();
      int version = row.<Integer>getAs("formatVersion");
      if (version < 1 || version > FORMAT_VERSION) {
        throw new IllegalArgumentException(
            "formatVersion must be 1 to "
                + FORMAT_VERSION
                + " (the versions this PrivSpark reads); got "
                + version
                + " in "
                + path);
      }
      double countStd = version == 1 ? 0 : row.<Double>getAs("numExamplesNoiseStd");
      PrivacyRecord record =
          new PrivacyRecord(
              row.<Double>getAs("sampleRate"),
              row.<Double>getAs("noiseMultiplier"),
              row.<Long>getAs("steps"),
              row.<Double>getAs("clipNorm"),
              version < 4 ? UnitGradient.SUM : UnitGradient.of(row.<String>getAs("unitGradient")),
              row.<Double>getAs("noiseStd"),
              row.<Double>getAs("epsilon"),
              row.<Double>getAs("delta"),
              row.<Long>getAs("numExamples"),
              countStd,
              version < 3
                  ? PrivacyRecord.Unit.LEGACY_ROW
                  : new PrivacyRecord.Unit(
                      row.<String>getAs("privacyUnit"),
                      row.<Boolean>getAs("rowIsUnit"),
                      row.<Integer>getAs("maxRowsPerUnit"),
                      row.<String>getAs("ledgerOrigin"),
                      row.<Long>getAs("ledgerIndex")),
              version < 5 || row.isNullAt(row.fieldIndex("initialClipNorm"))
                  ? null
                  : new PrivacyRecord.AdaptiveClipping(
                      row.<Double>getAs("initialClipNorm"),
                      row.<Double>getAs("targetUnclippedQuantile"),
                      row.<Double>getAs("clipLearningRate"),
                      row.<Double>getAs("clipCountNoiseStd"),
                      row.<Double>getAs("gradientNoiseMultiplier")));
      M model =
          factory.create(
              metadata.uid(),
              row.<Vector>getAs("coefficients").toArray(),
              row.<Double>getAs("intercept"),
              record);
      metadata.getAndSetParams(model, Option.empty());
      return model;
    }
  }
}
