package org.privspark.spark.ml.wrappers;

import java.util.List;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.privspark.spark.ml.params.VectorModel;
import scala.Option;

/**
 * What the wrapper models share: MLlib's own model (trained on noisy statistics, or perturbed),
 * which {@code transform} delegates to with this model's column params, the {@link WrapperRecord}
 * of the fit, and persistence.
 *
 * <p><b>Saved layout.</b> {@code <path>/metadata/}: Spark's params metadata ({@code
 * DefaultParamsWriter}); {@code <path>/data/}: one Parquet row with {@code formatVersion} and every
 * field of the {@link WrapperRecord} (the ledger entry's origin and index, the unit claim and k);
 * {@code <path>/mllib/}: the MLlib model, saved by MLlib. The reader checks the class name and the
 * format version. Nothing saved is computed from the data except through the DP release.
 *
 * <p>Using a model is post-processing: transforming any data costs no budget.
 *
 * @param <M> the model type
 */
public abstract class UnitLevelModel<M extends UnitLevelModel<M>> extends VectorModel<M>
    implements MLWritable {
  private static final long serialVersionUID = 1L;

  /** The version of the {@code data/} layout this code writes. */
  static final int FORMAT_VERSION = 1;

  private final WrapperRecord record;

  protected UnitLevelModel(String uid, WrapperRecord record) {
    super(uid);
    this.record = record;
  }

  /**
   * What the fit cost, its ledger entry and its unit claim.
   *
   * @return the record: cost, unit and where the charge was recorded
   */
  public WrapperRecord privacyRecord() {
    return record;
  }

  /**
   * ε of the fit at {@link #delta()}.
   *
   * @return ε of the training run
   */
  public double epsilon() {
    return record.epsilon();
  }

  /**
   * The δ of {@link #epsilon()} (0 for a pure-DP wrapper).
   *
   * @return δ of the training run
   */
  public double delta() {
    return record.delta();
  }

  /** The MLlib model this model delegates to (held; callers get copies from the subclasses). */
  abstract Model<?> mllib();

  /** The MLlib model with this model's column params (those it shares by name) set on a copy. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  final Model<?> configured() {
    Model m = (Model) mllib().copy(ParamMap.empty());
    for (Param<?> p : params()) {
      if (m.hasParam(p.name()) && isDefined(p)) {
        m.set(m.getParam(p.name()), $(p));
      }
    }
    return m;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return configured().transformSchema(schema);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    return configured().transform(dataset);
  }

  /** For subclasses' {@code copy}: params and parent onto {@code to}. */
  final M copyTo(M to, ParamMap extra) {
    copyValues(to, extra);
    return to.setParent(parent());
  }

  @Override
  public String toString() {
    return getClass().getSimpleName()
        + ": uid="
        + uid()
        + ", epsilon="
        + record.epsilon()
        + " at delta="
        + record.delta()
        + ", unit="
        + record.privacyUnit()
        + (record.rowIsUnit() ? " (row is unit)" : ", maxRowsPerUnit=" + record.maxRowsPerUnit());
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  private static final StructType DATA_SCHEMA =
      new StructType()
          .add("formatVersion", DataTypes.IntegerType, false)
          .add("mechanism", DataTypes.StringType, false)
          .add("epsilon", DataTypes.DoubleType, false)
          .add("delta", DataTypes.DoubleType, false)
          .add("releaseId", DataTypes.StringType, false)
          .add("ledgerOrigin", DataTypes.StringType, true)
          .add("ledgerIndex", DataTypes.LongType, false)
          .add("privacyUnit", DataTypes.StringType, true)
          .add("rowIsUnit", DataTypes.BooleanType, false)
          .add("maxRowsPerUnit", DataTypes.IntegerType, false);

  /** Writes metadata (Spark's), the record (one Parquet row) and the MLlib model. */
  private static final class Writer extends MLWriter {
    private final UnitLevelModel<?> model;

    Writer(UnitLevelModel<?> model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      SparkSession spark = sparkSession();
      DefaultParamsWriter.saveMetadata(model, path, spark);
      WrapperRecord r = model.record;
      Row row =
          RowFactory.create(
              FORMAT_VERSION,
              r.mechanism(),
              r.epsilon(),
              r.delta(),
              r.releaseId(),
              r.ledgerOrigin(),
              r.ledgerIndex(),
              r.privacyUnit(),
              r.rowIsUnit(),
              r.maxRowsPerUnit());
      spark
          .createDataFrame(List.of(row), DATA_SCHEMA)
          .repartition(1)
          .write()
          .parquet(path + "/data");
      try {
        ((MLWritable) model.mllib()).write().save(path + "/mllib");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** Builds a model of the reader's class from saved state. */
  interface Factory<M> {
    M create(String uid, WrapperRecord record, String mllibPath);
  }

  /** Reads what {@link Writer} wrote, for a model class {@code className}. */
  static final class Reader<M extends UnitLevelModel<M>> extends MLReader<M> {
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
      if (version != FORMAT_VERSION) {
        throw new IllegalArgumentException(
            "formatVersion must be "
                + FORMAT_VERSION
                + " (the version this PrivSpark reads); got "
                + version
                + " in "
                + path);
      }
      WrapperRecord record =
          new WrapperRecord(
              row.<String>getAs("mechanism"),
              row.<Double>getAs("epsilon"),
              row.<Double>getAs("delta"),
              row.<String>getAs("releaseId"),
              row.<String>getAs("ledgerOrigin"),
              row.<Long>getAs("ledgerIndex"),
              row.<String>getAs("privacyUnit"),
              row.<Boolean>getAs("rowIsUnit"),
              row.<Integer>getAs("maxRowsPerUnit"));
      M model = factory.create(metadata.uid(), record, path + "/mllib");
      metadata.getAndSetParams(model, Option.empty());
      return model;
    }
  }
}
