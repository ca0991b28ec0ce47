package org.privspark.spark.ml.wrappers;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.SpendJournal;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;

/** Helpers shared by the wrapper tests: a recording budget and a data set that counts its reads. */
final class WrapperTesting {
  private WrapperTesting() {}

  /** A fixed release secret (tests may fix secrets). */
  static Secret secret(int tag) {
    byte[] bytes = new byte[Secret.LENGTH];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (17 * i + 3);
    }
    bytes[0] = (byte) tag;
    return Secret.fromBytes(bytes);
  }

  /**
   * A journal that admits every event, records it with the number of rows read so far (from the
   * tripwire accumulator), and never refuses.
   */
  static final class RecordingJournal implements SpendJournal {
    final List<PrivacyEvent> events = new ArrayList<>();
    final List<Long> rowsReadAtSpend = new ArrayList<>();
    final List<String> mechanisms = new ArrayList<>();
    final List<UnitClaim> claims = new ArrayList<>();
    private final LongAccumulator reads;

    RecordingJournal(LongAccumulator reads) {
      this.reads = reads;
    }

    @Override
    public org.privspark.core.accounting.Charge record(
        PrivacyEvent event,
        org.privspark.core.accounting.UnitClaim claim,
        String mechanism,
        String description,
        byte[] releaseId) {
      events.add(event);
      claims.add(claim);
      mechanisms.add(mechanism);
      rowsReadAtSpend.add(reads.value());
      return new org.privspark.core.accounting.Charge(releaseId, null, 0, claim);
    }

    @Override
    public java.util.Optional<org.privspark.core.accounting.PrivacyUnit> unit() {
      return java.util.Optional.empty();
    }

    @Override
    public PrivacyGuarantee spent() {
      return new PrivacyGuarantee(0, 0, Double.POSITIVE_INFINITY, false);
    }

    PrivacyBudget budget() {
      return PrivacyBudget.journaled(100, 1e-3, OrderGrid.defaults(), this);
    }
  }

  static LongAccumulator accumulator() {
    return SparkTestSession.get().sparkContext().longAccumulator();
  }

  /** {@code data} with column {@code labelCol} passed through a UDF that counts every row read. */
  static Dataset<Row> counting(Dataset<Row> data, String labelCol, LongAccumulator reads) {
    UDF1<Double, Double> touch =
        v -> {
          reads.add(1);
          return v;
        };
    return data.withColumn(labelCol, udf(touch, DataTypes.DoubleType).apply(col(labelCol)));
  }

  /**
   * A small synthetic two-class data set: features in [0, 1]^3, label 1 iff x0 &gt; 0.5; rows are
   * deterministic functions of their index.
   */
  static Dataset<Row> toy(int rows) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      double a = ((i * 37) % 100) / 100.0;
      double b = ((i * 53) % 100) / 100.0;
      double c = ((i * 71) % 100) / 100.0;
      double label = a > 0.5 ? 1.0 : 0.0;
      out.add(RowFactory.create(Vectors.dense(a, b, c), label, 10 * a + 2 * b - 3 * c + 1));
    }
    StructType schema =
        new StructType()
            .add("features", new VectorUDT())
            .add("label", DataTypes.DoubleType)
            .add("y", DataTypes.DoubleType);
    return SparkTestSession.get().createDataFrame(out, schema);
  }

  /** Fraction of rows where {@code prediction} equals {@code label}. */
  static double accuracy(Dataset<Row> predictions) {
    long total = predictions.count();
    long right = predictions.filter(col("prediction").equalTo(col("label"))).count();
    return (double) right / total;
  }

  /**
   * {@code units} privacy units ("p0", "p1", …) with {@code rowsPerUnit} rows each, in the columns
   * of {@link #toy} plus "person": unit u's rows are toy rows u·m, …, u·m + m − 1.
   */
  static Dataset<Row> toyUnits(int units, int rowsPerUnit) {
    List<Row> out = new ArrayList<>();
    for (Row r : toy(units * rowsPerUnit).collectAsList()) {
      out.add(RowFactory.create(r.get(0), r.get(1), r.get(2), "p" + out.size() / rowsPerUnit));
    }
    StructType schema = toy(0).schema().add("person", DataTypes.StringType);
    return SparkTestSession.get().createDataFrame(out, schema);
  }
}
