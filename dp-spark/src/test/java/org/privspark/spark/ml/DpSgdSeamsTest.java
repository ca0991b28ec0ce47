package org.privspark.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.spark.SparkTestSession;
import org.privspark.spark.ml.params.UnitGradient;

/**
 * Unit-level DP-SGD at its seams (hostile review of issue 13): floating point never lets a row past
 * its clip, and nothing reads the data before the charge.
 */
class DpSgdSeamsTest {

  /**
   * Rows whose squared label or feature underflows: computed as r²·‖x‖², the norm came out 0 and
   * the row went through unclipped (150·C for the first). Computed as |r|·‖x‖ with a scaled norm,
   * each is clipped to C.
   */
  @ParameterizedTest
  @CsvSource({
    "-1e154, 1.5e-162, false, 1e-10",
    "-1e-170, 1e150, true, 1e-25",
    "-1e152, 1.3e-161, false, 1e-9"
  })
  void aRowWhoseSquaresUnderflow_isStillClippedToC(
      double label, double x, boolean intercept, double clip) {
    DpSgd.Example e = new DpSgd.Example(label, Vectors.dense(x));
    double[] acc = new double[intercept ? 2 : 1];
    DpSgd.addClippedGradient(
        new double[acc.length], 1, intercept, e, DpSgd.Loss.SQUARED, clip, acc);
    assertThat(DpSgd.norm(acc)).isPositive().isLessThanOrEqualTo(clip);
    for (UnitGradient mode : UnitGradient.values()) {
      double[] unit = new double[acc.length];
      DpSgd.addUnitGradient(
          new double[acc.length],
          1,
          intercept,
          new DpSgd.Example[] {e, e},
          DpSgd.Loss.SQUARED,
          clip,
          mode,
          unit,
          new double[acc.length]);
      assertThat(DpSgd.norm(unit)).as("%s", mode).isLessThanOrEqualTo(clip);
    }
  }

  @Test
  void theScaledNorm_neitherUnderflowsNorOverflows() {
    assertThat(DpSgd.norm(new double[] {3e-200, 4e-200}))
        .isCloseTo(5e-200, org.assertj.core.api.Assertions.within(1e-213));
    assertThat(DpSgd.norm(new double[] {3e200, 4e200}))
        .isCloseTo(5e200, org.assertj.core.api.Assertions.within(1e187));
    assertThat(DpSgd.norm(new double[] {0, 0})).isZero();
    assertThat(DpSgd.norm(new double[] {1, Double.NaN})).isNaN();
    assertThat(DpSgd.norm(new double[] {1, Double.POSITIVE_INFINITY})).isInfinite();
  }

  @Test
  void clipNormOutsideItsRange_isRefusedNamingIt() {
    assertThatThrownBy(() -> new DPLinearRegression().setClipNorm(1e-160))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clipNorm must be in");
    assertThatThrownBy(() -> new DPLinearRegression().setClipNorm(1e160))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clipNorm must be in");
  }

  /**
   * The bounding plan built before the charge is only analysed: a file source is not read, not even
   * by adaptive execution's shuffle stage, until the budget refuses or admits the run.
   */
  @Test
  void beforeTheCharge_noJobReadsTheData(@TempDir Path dir) {
    SparkSession spark = SparkTestSession.get();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(RowFactory.create("p" + (i % 10), Vectors.dense(i % 3, 1), (double) (i % 2)));
    }
    StructType schema =
        new StructType()
            .add("person", DataTypes.StringType)
            .add("features", SQLDataTypes.VectorType())
            .add("label", DataTypes.DoubleType);
    String path = dir.resolve("people.parquet").toString();
    spark.createDataFrame(rows, schema).write().parquet(path);
    Dataset<Row> data = spark.read().parquet(path);
    // A budget too small for the run: the fit is refused at the charge, after the pre-charge
    // checks.
    PrivacyBudget tiny = PrivacyBudget.inMemory(1e-3, 1e-5);
    DPLogisticRegression lr =
        new DPLogisticRegression()
            .setBudget(tiny)
            .setPrivacyUnitCol("person")
            .setMaxRowsPerUnit(2)
            .setNumUnits(10)
            .setSampleRate(0.5)
            .setEpochs(1)
            .setNoiseMultiplier(1.0)
            .setNumFeatures(2);
    int before = spark.sparkContext().statusTracker().getJobIdsForGroup(null).length;
    assertThatThrownBy(() -> lr.fit(data))
        .isInstanceOf(org.privspark.core.accounting.BudgetExhaustedException.class);
    assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup(null).length)
        .isEqualTo(before);
  }
}
