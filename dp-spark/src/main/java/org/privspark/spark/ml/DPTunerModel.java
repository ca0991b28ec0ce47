package org.privspark.spark.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReadable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivateSelectionEvent;
import org.privspark.core.ledger.EventCodec;

/**
 * What {@link DPTuner} releases: the chosen grid point's model, the grid point (its params), and
 * its noisy validation score; {@code transform} is the chosen model's. Everything here is the
 * selection's one output (Papernot &amp; Steinke 2022, Thm. 2) or public: the number of repetitions
 * K, the other repetitions and which repetition won are not kept, because the guarantee covers the
 * best output alone.
 *
 * <p>The chosen model's own {@link DpSgdModel#epsilon()} records the whole search's ε (the one
 * charge), not one run's.
 */
public final class DPTunerModel extends Model<DPTunerModel> implements MLWritable {
  private static final long serialVersionUID = 1L;

  /** The version of the {@code data/} layout this code writes. */
  static final int FORMAT_VERSION = 1;

  private final String uid;
  private final DpSgdModel<?> bestModel;
  private final ParamMap bestParams;
  private final int bestIndex;
  private final double bestScore;
  private final PrivateSelectionEvent event;
  private final double epsilon;
  private final double delta;
  private final PrivacyRecord.Unit unit;

  DPTunerModel(
      String uid,
      DpSgdModel<?> bestModel,
      ParamMap bestParams,
      int bestIndex,
      double bestScore,
      PrivateSelectionEvent event,
      double epsilon,
      double delta,
      PrivacyRecord.Unit unit) {
    this.uid = uid;
    this.bestModel = bestModel;
    this.bestParams = bestParams;
    this.bestIndex = bestIndex;
    this.bestScore = bestScore;
    this.event = event;
    this.epsilon = epsilon;
    this.delta = delta;
    this.unit = unit;
  }

  @Override
  public String uid() {
    return uid;
  }

  /**
   * The chosen grid point's model.
   *
   * @return a DPLogisticRegressionModel or DPLinearRegressionModel
   */
  public DpSgdModel<?> bestModel() {
    return bestModel;
  }

  /**
   * The chosen grid point: its params (a copy).
   *
   * @return the chosen ParamMap
   */
  public ParamMap bestParamMap() {
    return bestParams.copy();
  }

  /**
   * The chosen grid point's position in {@code estimatorParamMaps}.
   *
   * @return the index, from 0
   */
  public int bestIndex() {
    return bestIndex;
  }

  /**
   * The chosen model's noisy validation score: the sum over the validation units of each unit's
   * score in [0, 1] (accuracy, or the bounded regression score), plus Laplace noise of scale
   * 1/scoreEpsilon.
   *
   * @return the noisy score
   */
  public double bestScore() {
    return bestScore;
  }

  /**
   * What the search cost: one private selection over the candidates' events.
   *
   * @return the event charged
   */
  public PrivateSelectionEvent privacyEvent() {
    return event;
  }

  /**
   * The search's ε at {@link #delta()} by the RDP accountant, per privacy unit.
   *
   * @return ε
   */
  public double epsilon() {
    return epsilon;
  }

  public double delta() {
    return delta;
  }

  /**
   * Whom the search protects and where its charge was recorded.
   *
   * @return the unit and ledger entry
   */
  public PrivacyRecord.Unit unit() {
    return unit;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return bestModel.transformSchema(schema);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    return bestModel.transform(dataset);
  }

  @Override
  public DPTunerModel copy(ParamMap extra) {
    DPTunerModel copy =
        new DPTunerModel(
            uid,
            (DpSgdModel<?>) bestModel.copy(ParamMap.empty()),
            bestParams,
            bestIndex,
            bestScore,
            event,
            epsilon,
            delta,
            unit);
    copyValues(copy, extra);
    return copy.setParent(parent());
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "DPTunerModel %s: grid point %d %s, noisy score %.4g, epsilon %.4f at delta %.3g",
        uid,
        bestIndex,
        bestParams,
        bestScore,
        epsilon,
        delta);
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  public static MLReader<DPTunerModel> read() {
    return new Reader();
  }

  public static DPTunerModel load(String path) {
    return read().load(path);
  }

  /** Readable as {@code MLReadable} too. */
  public static final MLReadable<DPTunerModel> READABLE =
      new MLReadable<>() {
        @Override
        public MLReader<DPTunerModel> read() {
          return new Reader();
        }

        @Override
        public DPTunerModel load(String path) {
          return read().load(path);
        }
      };

  private static final StructType DATA_SCHEMA =
      new StructType()
          .add("formatVersion", DataTypes.IntegerType, false)
          .add("modelClass", DataTypes.StringType, false)
          .add("estimatorClass", DataTypes.StringType, false)
          .add("estimatorUid", DataTypes.StringType, false)
          .add("bestParams", DataTypes.StringType, false)
          .add("bestIndex", DataTypes.IntegerType, false)
          .add("bestScore", DataTypes.DoubleType, false)
          .add("event", DataTypes.StringType, false)
          .add("epsilon", DataTypes.DoubleType, false)
          .add("delta", DataTypes.DoubleType, false)
          .add("privacyUnit", DataTypes.StringType, true)
          .add("rowIsUnit", DataTypes.BooleanType, false)
          .add("maxRowsPerUnit", DataTypes.IntegerType, false)
          .add("ledgerOrigin", DataTypes.StringType, true)
          .add("ledgerIndex", DataTypes.LongType, false);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Writes Spark's metadata, one Parquet row of data, and the chosen model under bestModel/. */
  private static final class Writer extends MLWriter {
    private final DPTunerModel model;

    Writer(DPTunerModel model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      SparkSession spark = sparkSession();
      DefaultParamsWriter.saveMetadata(model, path, spark);
      Map<String, String> params = new TreeMap<>();
      String estimatorUid = null;
      for (ParamPair<?> pair :
          scala.jdk.javaapi.CollectionConverters.asJava(model.bestParams.toSeq())) {
        @SuppressWarnings("unchecked")
        Param<Object> p = (Param<Object>) pair.param();
        params.put(p.name(), p.jsonEncode(pair.value()));
        estimatorUid = p.parent();
      }
      Object parent = model.bestModel.parent();
      String estimatorClass =
          parent != null
              ? parent.getClass().getName()
              : model.bestModel instanceof DPLogisticRegressionModel
                  ? DPLogisticRegression.class.getName()
                  : DPLinearRegression.class.getName();
      if (estimatorUid == null) {
        estimatorUid = parent != null ? ((DpSgdEstimator<?, ?>) parent).uid() : "none";
      }
      try {
        Row row =
            RowFactory.create(
                FORMAT_VERSION,
                model.bestModel.getClass().getName(),
                estimatorClass,
                estimatorUid,
                JSON.writeValueAsString(params),
                model.bestIndex,
                model.bestScore,
                JSON.writeValueAsString(EventCodec.encode(model.event)),
                model.epsilon,
                model.delta,
                model.unit.privacyUnit(),
                model.unit.rowIsUnit(),
                model.unit.maxRowsPerUnit(),
                model.unit.ledgerOrigin(),
                model.unit.ledgerIndex());
        spark
            .createDataFrame(List.of(row), DATA_SCHEMA)
            .repartition(1)
            .write()
            .parquet(path + "/data");
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("DPTunerModel's data must encode as JSON", e);
      }
      try {
        model.bestModel.write().save(path + "/bestModel");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** Reads what {@link Writer} wrote. */
  private static final class Reader extends MLReader<DPTunerModel> {
    @Override
    public DPTunerModel load(String path) {
      SparkSession spark = sparkSession();
      DefaultParamsReader.Metadata metadata =
          DefaultParamsReader.loadMetadata(path, spark, DPTunerModel.class.getName());
      Row row = spark.read().parquet(path + "/data").head();
      int version = row.<Integer>getAs("formatVersion");
      if (version != FORMAT_VERSION) {
        throw new IllegalArgumentException(
            "formatVersion must be " + FORMAT_VERSION + "; got " + version);
      }
      String modelClass = row.getAs("modelClass");
      DpSgdModel<?> best;
      if (modelClass.equals(DPLogisticRegressionModel.class.getName())) {
        best = DPLogisticRegressionModel.load(path + "/bestModel");
      } else if (modelClass.equals(DPLinearRegressionModel.class.getName())) {
        best = DPLinearRegressionModel.load(path + "/bestModel");
      } else {
        throw new IllegalArgumentException(
            "modelClass must be DPLogisticRegressionModel or DPLinearRegressionModel; got "
                + modelClass);
      }
      String estimatorClass = row.getAs("estimatorClass");
      String estimatorUid = row.getAs("estimatorUid");
      DpSgdEstimator<?, ?> estimator =
          estimatorClass.equals(DPLinearRegression.class.getName())
              ? new DPLinearRegression(estimatorUid)
              : new DPLogisticRegression(estimatorUid);
      ParamMap params = new ParamMap();
      try {
        ObjectNode saved = (ObjectNode) JSON.readTree((String) row.getAs("bestParams"));
        for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e : saved.properties()) {
          @SuppressWarnings("unchecked")
          Param<Object> p = (Param<Object>) estimator.getParam(e.getKey());
          params.put(p, p.jsonDecode(e.getValue().asText()));
        }
        PrivacyEvent event =
            EventCodec.parse((ObjectNode) JSON.readTree((String) row.getAs("event")));
        if (!(event instanceof PrivateSelectionEvent selection)) {
          throw new IllegalArgumentException(
              "event must be a private-selection event; got " + event.getClass().getSimpleName());
        }
        PrivacyRecord.Unit unit =
            new PrivacyRecord.Unit(
                row.getAs("privacyUnit"),
                row.<Boolean>getAs("rowIsUnit"),
                row.<Integer>getAs("maxRowsPerUnit"),
                row.getAs("ledgerOrigin"),
                row.<Long>getAs("ledgerIndex"));
        DPTunerModel model =
            new DPTunerModel(
                metadata.uid(),
                best,
                params,
                row.<Integer>getAs("bestIndex"),
                row.<Double>getAs("bestScore"),
                selection,
                row.<Double>getAs("epsilon"),
                row.<Double>getAs("delta"),
                unit);
        metadata.getAndSetParams(model, scala.Option.empty());
        return model;
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("DPTunerModel's data must be valid JSON", e);
      }
    }
  }
}
