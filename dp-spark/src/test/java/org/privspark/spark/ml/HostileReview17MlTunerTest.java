package org.privspark.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.spark.SparkTestSession;

/**
 * Hostile review of issue 17, {@link DPTuner}: the unit settings of grid points other than the
 * first. The tuner only compares {@code UnitClaim}s (unit name, rowIsUnit), although its error
 * message promises privacyUnitCol too, and it takes the split, the score's grouping, the ledger
 * description and the saved record's maxRowsPerUnit from grid point 0 whatever point wins.
 */
class HostileReview17MlTunerTest {
  private static Dataset<Row> data;

  private static SparkSession spark() {
    return SparkTestSession.get();
  }

  /** 2,000 rows, 4 rows per person "a"; "b" is a row id; label 1 when 2·x1 − x2 + 0.3 &gt; 0. */
  @BeforeAll
  static void makeData() {
    SplittableRandom r = new SplittableRandom(1717);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      double x1 = r.nextDouble(-1, 1);
      double x2 = r.nextDouble(-1, 1);
      double y = 2 * x1 - x2 + 0.3 + 0.3 * r.nextGaussian() > 0 ? 1 : 0;
      rows.add(RowFactory.create(Vectors.dense(x1, x2), y, (long) (i / 4), (long) i));
    }
    data =
        spark()
            .createDataFrame(
                rows,
                new StructType()
                    .add("features", new VectorUDT())
                    .add("label", DataTypes.DoubleType)
                    .add("a", DataTypes.LongType)
                    .add("b", DataTypes.LongType))
            .repartition(2)
            .cache();
    data.count();
  }

  private static DPLogisticRegression lr() {
    return new DPLogisticRegression()
        .setPrivacyUnit("person")
        .setPrivacyUnitCol("a")
        .setMaxRowsPerUnit(4)
        .setSampleRate(0.5)
        .setEpochs(1)
        .setNumFeatures(2)
        .setNumUnits(500)
        .setNoiseMultiplier(1.0)
        .setClipNorm(1.0)
        .setLearningRate(2.0);
  }

  /**
   * A grid point that moves the unit column keeps the same UnitClaim ("person", per unit), so
   * plan() accepts it; but the split and the score group by grid point 0's column while that point
   * trains on its own: a "person" of column a may then be several training units. The error text in
   * plan() says privacyUnitCol must agree; it is never compared. Fix: compare the resolved unit
   * (column, maxRowsPerUnit, rowIsUnit) of every point with point 0's, not only the claim.
   */
  @Test
  void plan_gridPointWithAnotherPrivacyUnitCol_isRefusedBeforeTheCharge() {
    DPLogisticRegression lr = lr();
    ParamMap[] grid = {
      new ParamMap().put(lr.privacyUnitCol(), "a"), new ParamMap().put(lr.privacyUnitCol(), "b")
    };
    PrivacyBudget budget = PrivacyBudget.inMemory(50, 1e-5);
    DPTuner tuner =
        new DPTuner()
            .setEstimator(lr)
            .setEstimatorParamMaps(grid)
            .setExpectedRepetitions(3)
            .setBudget(budget);
    assertThatThrownBy(() -> tuner.plan(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("estimatorParamMaps[1]");
    assertThat(budget.spent().epsilon()).isZero();
  }

  /**
   * The review found that a grid over maxRowsPerUnit recorded grid point 0's bound in the released
   * model and the ledger, whichever point won. Fix chosen: such a grid is refused before the charge
   * (the validation split and the score are per unit of the first point, so the unit settings must
   * not vary): nothing is spent, and the message names the grid point and the unit params.
   */
  @Test
  void fit_gridOverMaxRowsPerUnit_isRefusedBeforeTheCharge() {
    DPLogisticRegression lr = lr();
    ParamMap[] grid = {
      new ParamMap().put(lr.maxRowsPerUnit(), 1).put(lr.learningRate(), 1e-6),
      new ParamMap().put(lr.maxRowsPerUnit(), 4).put(lr.learningRate(), 2.0)
    };
    PrivacyBudget budget = PrivacyBudget.inMemory(1000, 1e-5);
    DPTuner tuner =
        new DPTuner()
            .setEstimator(lr)
            .setEstimatorParamMaps(grid)
            .setExpectedRepetitions(3)
            .setScoreEpsilon(1.0)
            .setBudget(budget);
    assertThatThrownBy(() -> tuner.fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("estimatorParamMaps[1]")
        .hasMessageContaining("maxRowsPerUnit");
    assertThat(budget.spent().epsilon()).isZero();
  }
}
