package org.privspark.spark.ml.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.spark.SparkTestSession;

/** {@link PublicFeatureEncoder}: the layout it promises, its validation, and persistence. */
class PublicFeatureEncoderTest {
  @TempDir Path dir;

  private static Dataset<Row> rows() {
    return SparkTestSession.get()
        .createDataFrame(
            List.of(
                RowFactory.create(0, 50.0, "a"),
                RowFactory.create(1, 150.0, "b"), // above hi: clamped
                RowFactory.create(2, -10.0, "zzz"), // below lo; unknown category
                RowFactory.create(3, null, null)),
            new StructType()
                .add("id", DataTypes.IntegerType)
                .add("x", DataTypes.DoubleType)
                .add("c", DataTypes.StringType));
  }

  private static List<Vector> encode(PublicFeatureEncoder e) {
    return e.transform(rows()).orderBy("id").select("features").collectAsList().stream()
        .map(r -> (Vector) r.get(0))
        .toList();
  }

  @Test
  void transform_unitRangeAndZeroUnknown_clampsScalesAndOneHots() {
    PublicFeatureEncoder e =
        PublicFeatureEncoder.builder().numeric("x", 0, 100).categorical("c", "a", "b").build();
    assertThat(e.numFeatures()).isEqualTo(3);
    assertThat(encode(e))
        .containsExactly(
            Vectors.dense(0.5, 1, 0),
            Vectors.dense(1, 0, 1),
            Vectors.dense(0, 0, 0),
            Vectors.dense(0, 0, 0));
  }

  @Test
  void transform_symmetricRangeAndOtherSlot_mapsToMinusOneOneAndExtraSlot() {
    PublicFeatureEncoder e =
        PublicFeatureEncoder.builder()
            .numeric("x", 0, 100)
            .categorical("c", "a", "b")
            .range(PublicFeatureEncoder.Range.SYMMETRIC)
            .unknown(PublicFeatureEncoder.Unknown.OTHER)
            .build();
    assertThat(encode(e))
        .containsExactly(
            Vectors.dense(0, 1, 0, 0),
            Vectors.dense(1, 0, 1, 0),
            Vectors.dense(-1, 0, 0, 1),
            Vectors.dense(0, 0, 0, 1));
  }

  @Test
  void transform_maxNorm_clipsEveryVector() {
    PublicFeatureEncoder e =
        PublicFeatureEncoder.builder()
            .numeric("x", 0, 100)
            .categorical("c", "a", "b")
            .maxNorm(0.5)
            .build();
    for (Vector v : encode(e)) {
      assertThat(Vectors.norm(v, 2)).isLessThanOrEqualTo(0.5 + 1e-12);
    }
    assertThat(Vectors.norm(encode(e).get(1), 2)).isCloseTo(0.5, within(1e-12));
  }

  @Test
  void transform_outputCarriesAttributeSize() {
    PublicFeatureEncoder e =
        PublicFeatureEncoder.builder()
            .numeric("x", 0, 100)
            .categorical("c", "a", "b")
            .outputCol("f")
            .build();
    Dataset<Row> out = e.transform(rows());
    assertThat(AttributeGroup.fromStructField(out.schema().apply("f")).size()).isEqualTo(3);
  }

  @Test
  void build_badSpecification_throwsNamingTheProblem() {
    assertThatThrownBy(() -> PublicFeatureEncoder.builder().numeric("x", 5, 5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bounds of 'x' must be finite with lower < upper; got [5.0, 5.0]");
    assertThatThrownBy(() -> PublicFeatureEncoder.builder().numeric("x", 0, Double.NaN).build())
        .hasMessage("bounds of 'x' must be finite with lower < upper; got [0.0, NaN]");
    assertThatThrownBy(() -> PublicFeatureEncoder.builder().categorical("c").build())
        .hasMessage("vocabulary of 'c' must hold at least one value; got none");
    assertThatThrownBy(() -> PublicFeatureEncoder.builder().categorical("c", "a", "a").build())
        .hasMessage("vocabulary of 'c' must not repeat a value; got 'a' twice");
    assertThatThrownBy(
            () -> PublicFeatureEncoder.builder().numeric("c", 0, 1).categorical("c", "a").build())
        .hasMessage("columns must be named once; got 'c' twice");
    assertThatThrownBy(() -> PublicFeatureEncoder.builder().build())
        .hasMessageStartingWith("columns must include at least one");
  }

  @Test
  void transform_badSchema_throwsNamingTheColumn() {
    assertThatThrownBy(
            () -> PublicFeatureEncoder.builder().numeric("nope", 0, 1).build().transform(rows()))
        .hasMessageStartingWith("column 'nope' must exist in the input");
    assertThatThrownBy(
            () -> PublicFeatureEncoder.builder().numeric("c", 0, 1).build().transform(rows()))
        .hasMessage("numeric column 'c' must be numeric; got string");
  }

  @Test
  void saveLoad_sameEncoding() throws Exception {
    PublicFeatureEncoder e =
        PublicFeatureEncoder.builder()
            .numeric("x", 0, 100)
            .categorical("c", "a", "b")
            .unknown(PublicFeatureEncoder.Unknown.OTHER)
            .maxNorm(2)
            .build();
    String path = dir.resolve("encoder").toString();
    e.write().overwrite().save(path);
    PublicFeatureEncoder loaded = PublicFeatureEncoder.load(path);
    assertThat(loaded.uid()).isEqualTo(e.uid());
    assertThat(encode(loaded)).isEqualTo(encode(e));
  }
}
