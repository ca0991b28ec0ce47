package org.privspark.spark.sql;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.util.CollationAwareUTF8String;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.PrivacyBudget;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;

/**
 * Contribution bounding sees exactly the groups Spark's {@code groupBy} forms (issue 12, item 4).
 * Spark's groupBy treats −0.0 and 0.0 as one key and every NaN as one key, also inside arrays and
 * structs, and compares collated strings by their collation ('a' and 'A' are one UTF8_LCASE key).
 * If bounding told such keys apart, one unit could put L∞ rows under each spelling of one Spark
 * group, and count in more than L0 Spark groups: the charged sensitivity would be exceeded.
 *
 * <p><b>Method.</b> {@value #UNITS} units each have one row under every spelling of each of 2 (or
 * 3) Spark groups, so each unit touches exactly L0 Spark groups; L∞ = 1. Correct bounding gives
 * each group a count of exactly {@value #UNITS} (one row per unit), and a total of L0 · {@value
 * #UNITS}. Bounding by spelling keeps L0 spellings per unit instead, so some Spark groups get two
 * rows from one unit and others none. At ε = 4000 the count's Laplace noise has scale at most
 * 2·L0·L∞/4000 = 0.0015, so |noise| &lt; 0.5 except with probability e^-333 per cell; the secret is
 * fixed, so each outcome is deterministic.
 */
class SparkKeyEqualityTest {
  private static final int UNITS = 100;
  private static final double EPSILON = 4000;
  private static final Secret SECRET =
      Secret.fromBytes(
          new byte[] {
            7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
            24, 25, 26, 27, 28, 29, 30, 31
          });

  /**
   * Distinct NaN bit patterns: the canonical one, a signalling one, a negative one, one with a
   * payload.
   */
  private static final double[] NANS = {
    Double.NaN,
    Double.longBitsToDouble(0x7ff0000000000001L),
    Double.longBitsToDouble(0xfff8000000000000L),
    Double.longBitsToDouble(0x7ff800000000beefL)
  };

  /** Every unit has one row under each key of {@code spellings}. */
  private static Dataset<Row> data(DataType keyType, List<Object> spellings) {
    StructType schema = new StructType().add("user", DataTypes.StringType).add("k", keyType);
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < UNITS; u++) {
      for (Object key : spellings) {
        rows.add(RowFactory.create("u" + u, key));
      }
    }
    return SparkTestSession.get().createDataFrame(rows, schema);
  }

  private static Dataset<Row> keys(DataType keyType, List<Object> keys) {
    List<Row> rows = keys.stream().map(RowFactory::create).toList();
    return SparkTestSession.get().createDataFrame(rows, new StructType().add("k", keyType));
  }

  private static List<Row> release(Dataset<Row> data, Dataset<Row> publicGroups, long l0) {
    PrivateAggregation q =
        PrivateDataFrame.of(data, "user", PrivacyBudget.inMemory(1e4, 1e-3))
            .maxGroupsContributed(l0)
            .maxContributionsPerGroup(1)
            .groupBy("k");
    if (publicGroups != null) {
      q.publicGroups(publicGroups);
    } else {
      q.delta(1e-6); // private groups: 100-unit groups are kept with probability 1 at this ε
    }
    return q.count().epsilon(EPSILON).releaseSecret(SECRET).run().collectAsList();
  }

  /**
   * Each released group has the count of one row per unit, and the counts add up to L0 rows per
   * unit.
   */
  private static void assertBounded(List<Row> out, int groups, long l0) {
    assertThat(out).as("one output row per Spark group").hasSize(groups);
    long total = 0;
    for (Row r : out) {
      long count = Math.round(r.getDouble(r.fieldIndex("count")));
      assertThat(count)
          .as("count of group %s (at most L∞ = 1 row per unit)", r.get(0))
          .isEqualTo(UNITS);
      total += count;
    }
    assertThat(total)
        .as("rows over all groups (each unit in at most L0 = %d groups)", l0)
        .isEqualTo(l0 * UNITS);
  }

  private static List<Object> doubleSpellings() {
    List<Object> keys = new ArrayList<>(List.of(0.0, -0.0, 1.5));
    for (double nan : NANS) {
      keys.add(nan);
    }
    return keys;
  }

  @Test
  void doubleKey_signedZerosAndNaNPatterns_publicGroups_boundedPerSparkGroup() {
    List<Row> out =
        release(
            data(DataTypes.DoubleType, doubleSpellings()),
            keys(DataTypes.DoubleType, List.of(0.0, -0.0, 1.5, NANS[0], NANS[2])),
            3);
    assertBounded(out, 3, 3);
    assertThat(out)
        .anyMatch(r -> Double.doubleToRawLongBits(r.getDouble(0)) == 0L); // +0.0, not −0.0
  }

  @Test
  void doubleKey_signedZerosAndNaNPatterns_privateGroups_boundedPerSparkGroup() {
    List<Row> out = release(data(DataTypes.DoubleType, doubleSpellings()), null, 3);
    assertBounded(out, 3, 3);
    assertThat(out)
        .noneMatch(
            r -> Double.doubleToRawLongBits(r.getDouble(0)) == Double.doubleToRawLongBits(-0.0));
  }

  @Test
  void floatKey_signedZeros_privateGroups_boundedPerSparkGroup() {
    List<Row> out =
        release(
            data(
                DataTypes.FloatType,
                List.of(0.0f, -0.0f, Float.NaN, Float.intBitsToFloat(0x7fc00001))),
            null,
            2);
    assertBounded(out, 2, 2);
  }

  private static List<Object> arraySpellings() {
    List<Object> keys = new ArrayList<>(List.of(List.of(0.0, 1.0), List.of(-0.0, 1.0)));
    for (double nan : NANS) {
      keys.add(List.of(nan));
    }
    return keys;
  }

  @Test
  void arrayKey_nanPatternsAndSignedZerosInside_publicGroups_boundedPerSparkGroup() {
    DataType type = DataTypes.createArrayType(DataTypes.DoubleType);
    List<Row> out =
        release(
            data(type, arraySpellings()),
            keys(type, List.of(List.of(0.0, 1.0), List.of(Double.NaN))),
            2);
    assertBounded(out, 2, 2);
  }

  @Test
  void arrayKey_nanPatternsAndSignedZerosInside_privateGroups_boundedPerSparkGroup() {
    DataType type = DataTypes.createArrayType(DataTypes.DoubleType);
    assertBounded(release(data(type, arraySpellings()), null, 2), 2, 2);
  }

  /**
   * A struct of a double and a UTF8_LCASE string: (−0.0, "A") and (0.0, "a") are one Spark group.
   */
  private static Dataset<Row> structData() {
    List<Object> spellings =
        List.of(
            RowFactory.create(0.0, "a"),
            RowFactory.create(-0.0, "A"),
            RowFactory.create(NANS[1], "b"),
            RowFactory.create(NANS[3], "B"));
    StructType plain =
        new StructType().add("d", DataTypes.DoubleType).add("s", DataTypes.StringType);
    Dataset<Row> d = data(plain, spellings);
    return d.withColumn(
        "k",
        org.apache.spark.sql.functions.struct(
            col("k.d").as("d"), collate(col("k.s"), "UTF8_LCASE").as("s")));
  }

  @Test
  void structKey_signedZeroNaNAndLowercaseCollationInside_privateGroups_boundedPerSparkGroup() {
    List<Row> out = release(structData(), null, 2);
    assertBounded(out, 2, 2);
    assertThat(out.stream().map(r -> r.getStruct(0).getString(1)).toList())
        .as("the canonical (lowercase) spelling of each group")
        .containsExactlyInAnyOrder("a", "b");
  }

  private static Dataset<Row> collated(String collation, List<Object> spellings) {
    return data(DataTypes.StringType, spellings).withColumn("k", collate(col("k"), collation));
  }

  @Test
  void lowercaseCollation_caseVariants_privateGroups_oneGroupWithItsCanonicalSpelling() {
    List<Row> out =
        release(collated("UTF8_LCASE", List.of("a", "A", "Straße", "STRASSE", "straße")), null, 3);
    assertBounded(out, 3, 3);
    // The released key is the collation's own canonical spelling (lowercase), whatever spellings
    // the units used: it does not reveal that somebody wrote "A" or "STRASSE".
    assertThat(out.stream().map(r -> r.getString(0)).toList())
        .containsExactlyInAnyOrder("a", "strasse", "straße");
  }

  @Test
  void lowercaseCollation_caseVariants_publicGroups_oneGroupPerListedKey() {
    Dataset<Row> listed =
        keys(DataTypes.StringType, List.of("A", "a", "b"))
            .withColumn("k", collate(col("k"), "UTF8_LCASE"));
    List<Row> out = release(collated("UTF8_LCASE", List.of("a", "A", "B", "b")), listed, 2);
    assertBounded(out, 2, 2);
    assertThat(out.stream().map(r -> r.getString(0)).toList()).containsExactlyInAnyOrder("a", "b");
  }

  /** The released key column keeps its collation, so that it compares as the input column did. */
  @Test
  void lowercaseCollation_release_keepsTheKeyColumnsCollation() {
    Dataset<Row> out =
        PrivateDataFrame.of(
                collated("UTF8_LCASE", List.of("a", "A")),
                "user",
                PrivacyBudget.inMemory(1e4, 1e-3))
            .groupBy("k")
            .count()
            .epsilon(EPSILON)
            .delta(1e-6)
            .releaseSecret(SECRET)
            .run();
    assertThat(out.schema().apply("k").dataType())
        .isEqualTo(collated("UTF8_LCASE", List.of("a")).schema().apply("k").dataType());
  }

  @Test
  void trailingSpaceCollation_paddedVariants_privateGroups_oneGroup() {
    List<Row> out = release(collated("UTF8_LCASE_RTRIM", List.of("x", "X  ", "y ", "y")), null, 2);
    assertBounded(out, 2, 2);
    assertThat(out.stream().map(r -> r.getString(0)).toList()).containsExactlyInAnyOrder("x", "y");
  }

  @Test
  void icuCollation_caseVariants_publicGroups_oneGroupPerListedKey() {
    Dataset<Row> listed =
        keys(DataTypes.StringType, List.of("b", "A", "a"))
            .withColumn("k", collate(col("k"), "UNICODE_CI"));
    List<Row> out = release(collated("UNICODE_CI", List.of("a", "A", "b", "B")), listed, 2);
    assertBounded(out, 2, 2);
    // Listed "A" and "a" are one group; its key is the smallest listed spelling (in binary order).
    assertThat(out.stream().map(r -> r.getString(0)).toList()).containsExactlyInAnyOrder("A", "b");
  }

  /**
   * An ICU collation has no canonical spelling: with private groups the released key would have to
   * be one of the spellings in the data, and which one would reveal who wrote it. Refused before
   * anything is charged.
   */
  @Test
  void icuCollation_privateGroups_refusedBeforeTheCharge() {
    PrivacyBudget budget = PrivacyBudget.inMemory(10, 1e-3);
    PrivateAggregation q =
        PrivateDataFrame.of(collated("UNICODE_CI", List.of("a", "A")), "user", budget)
            .groupBy("k")
            .count()
            .epsilon(1)
            .delta(1e-6);
    assertThatThrownBy(q::run)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keyColumns 'k'")
        .hasMessageContaining("UNICODE_CI")
        .hasMessageContaining("publicGroups");
    assertThat(budget.spent().epsilon()).isEqualTo(0.0);
  }

  /**
   * The privacy unit is compared as Spark compares it too: "Bob" and "bob" in a UTF8_LCASE unit
   * column are one unit, so with L0 = 1 they count in one group only.
   */
  @Test
  void lowercaseCollatedUnit_caseVariants_oneUnit() {
    StructType schema =
        new StructType().add("user", DataTypes.StringType).add("k", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < UNITS; u++) {
      rows.add(RowFactory.create("user" + u, "g1"));
      rows.add(RowFactory.create("USER" + u, "g2"));
    }
    Dataset<Row> data =
        SparkTestSession.get()
            .createDataFrame(rows, schema)
            .withColumn("user", collate(col("user"), "UTF8_LCASE"));
    List<Row> out =
        PrivateDataFrame.of(data, "user", PrivacyBudget.inMemory(1e4, 1e-3))
            .groupBy("k")
            .publicGroups(keys(DataTypes.StringType, List.of("g1", "g2")))
            .count()
            .epsilon(EPSILON)
            .releaseSecret(SECRET)
            .run()
            .collectAsList();
    long total = out.stream().mapToLong(r -> Math.round(r.getDouble(1))).sum();
    assertThat(total).as("rows counted over both groups: one per unit (L0 = 1)").isEqualTo(UNITS);
  }

  /**
   * The canonical spelling of UTF8_LCASE is Spark's own collation key, {@code lowerCaseCodePoints}.
   * It is a spelling of its own group only if applying it twice changes nothing: checked for every
   * code point (some lower to two code points, e.g. U+0130 to "i̇").
   */
  @Test
  void lowercaseCollationKey_everyCodePoint_isIdempotent() {
    List<Integer> failures = new ArrayList<>();
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
        continue;
      }
      UTF8String once =
          CollationAwareUTF8String.lowerCaseCodePoints(
              UTF8String.fromString(new String(Character.toChars(cp))));
      UTF8String twice = CollationAwareUTF8String.lowerCaseCodePoints(once);
      if (!once.equals(twice)) {
        failures.add(cp);
      }
    }
    assertThat(failures).isEmpty();
  }
}
