package org.privspark.spark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.unhex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.spark.SparkTestSession;
import org.privspark.spark.sql.SparkKeys;

/**
 * Privacy units are told apart exactly as Spark tells them apart, whatever bytes their ids hold,
 * and a unit column Spark cannot hash is refused before anything is charged (review of issue 13).
 */
class UnitKeyFidelityTest {

  /** Two persons whose ids are distinct invalid UTF-8 (bytes 61 FF and 61 FE), three rows each. */
  private static Dataset<Row> invalidUtf8Ids() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      rows.add(RowFactory.create(i % 2 == 0 ? "61FF" : "61FE", Vectors.dense(i), (double) (i % 2)));
    }
    StructType schema =
        new StructType()
            .add("hex", DataTypes.StringType)
            .add("features", SQLDataTypes.VectorType())
            .add("label", DataTypes.DoubleType);
    return SparkTestSession.get()
        .createDataFrame(rows, schema)
        .withColumn("u", unhex(col("hex")).cast(DataTypes.StringType));
  }

  @Test
  void idsThatAreDistinctInvalidUtf8_areTwoUnits_asSparkGroupsThem() {
    Dataset<Row> data = invalidUtf8Ids();
    assertThat(data.select("u").distinct().count()).as("Spark's groups").isEqualTo(2);
    Dataset<Row> normal =
        data.select(
            SparkKeys.normalised(col("u"), DataTypes.StringType, SparkKeys.Icu.COLLATION_KEY)
                .as("n"));
    assertThat(normal.distinct().count()).as("normal forms of the units").isEqualTo(2);
    // Bounded to k = 1 row per unit: one row each, never one merged unit.
    assertThat(
            UnitRows.bounded(
                    data,
                    "u",
                    "features",
                    "label",
                    1,
                    label -> label == 0 || label == 1,
                    1,
                    new byte[8])
                .count())
        .isEqualTo(2);
  }

  @Test
  void aUnitColumnSparkCannotHash_isRefusedBeforeTheCharge() {
    Dataset<Row> data = invalidUtf8Ids().withColumn("mp", map(col("hex"), lit(1)));
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-5);
    DPLogisticRegression lr =
        new DPLogisticRegression()
            .setBudget(budget)
            .setPrivacyUnitCol("mp")
            .setMaxRowsPerUnit(2)
            .setNumUnits(2)
            .setSampleRate(0.5)
            .setEpochs(1)
            .setNoiseMultiplier(1.0)
            .setClipNorm(1)
            .setLearningRate(0.1)
            .setNumFeatures(1);
    assertThatThrownBy(() -> lr.fit(data))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("privacyUnitCol 'mp'")
        .hasMessageContaining("cannot group by or hash");
    assertThat(budget.spent().epsilon()).isZero();
  }
}
