package org.privspark.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.privspark.spark.ml.feature.PublicFeatureEncoder;

/**
 * A multi-row data set built from UCI Adult by a stated PUBLIC rule, for measuring DP at the level
 * of the person (issue 13): every Adult row is one person, who gets a random number of extra
 * "visits", each a copy of their row with small perturbations.
 *
 * <p><b>The rule.</b> The person on data line {@code i} (0-based, header excluded) of {@code
 * adult.data} has {@code person_id = i}; the person on line {@code i} of {@code adult.test} has
 * {@code person_id = P + i}, with P the number of persons in {@code adult.data} (32,561). A person
 * with id {@code p} has the generator {@code new SplittableRandom(seed + (p << 32))} (for ids below
 * 2^32 and at most 64 draws, no two persons' streams overlap: see {@link #generator}). Its draws,
 * in this order:
 *
 * <ol>
 *   <li>V, the number of extra visits: a truncated Zipf law on {1, …, 20} with exponent 1, P(V = v)
 *       = (1/v) / H₂₀ with H₂₀ = Σ₁²⁰ 1/v ≈ 3.598 (P(V = 1) ≈ 0.278, P(V = 20) ≈ 0.014, E[V] =
 *       20/H₂₀ ≈ 5.56), by inversion of one {@code nextDouble()};
 *   <li>for each visit j = 1, …, V: the hours change {@code {-2, -1, +1, +2}[nextInt(4)]}, then the
 *       age change {@code nextInt(2)} (0 or 1: the visit falls in the same or the next year).
 * </ol>
 *
 * <p>Visit 0 is the person's Adult row unchanged. Visit j copies it with {@code hours_per_week}
 * moved by its change and clipped to its public range [1, 99] (the census top-code), and {@code
 * age} moved by its change and clipped to [17, 90]; every other column, the label included, is
 * copied. So a person has 1 + V rows, between 2 and 21, all with the same person id.
 *
 * <p><b>Not privacy noise.</b> This randomness makes the data set; it protects nothing, so it is a
 * seeded {@link SplittableRandom} (deterministic for a seed), never dp-core's noise package.
 *
 * <p><b>Split by person.</b> Train persons are Adult's training rows and test persons its test rows
 * (Adult's published split): each person's visits are all on one side, and ids never repeat.
 */
public final class AdultVisits {
  /**
   * A fixed seed (the date it was chosen) for callers that want one data set, such as the tests;
   * {@code benchmark-ml-units} builds it with seeds 1, 2, 3, … instead, one per repetition.
   */
  public static final long DEFAULT_SEED = 20_261_207L;

  /** The person id column (long, never null). */
  public static final String PERSON_ID = "person_id";

  /** The visit column (int): 0 for the person's Adult row, 1..V for the extra visits. */
  public static final String VISIT = "visit";

  /** Extra visits per person: 1 to {@value #MAX_EXTRA}. */
  public static final int MAX_EXTRA = 20;

  static final int[] HOURS_CHANGE = {-2, -1, 1, 2};
  static final int MIN_HOURS = 1;
  static final int MAX_HOURS = 99;
  static final int MIN_AGE = 17;
  static final int MAX_AGE = 90;

  private static final int AGE = AdultData.SCHEMA.fieldIndex("age");
  private static final int HOURS = AdultData.SCHEMA.fieldIndex("hours_per_week");

  /** Cumulative weights of the truncated Zipf law: CUMULATIVE[v - 1] = H_v. */
  private static final double[] CUMULATIVE = cumulative();

  /**
   * Adult's columns, then {@link #PERSON_ID} and {@link #VISIT} (before {@code label} is added).
   */
  static final StructType SCHEMA =
      AdultData.SCHEMA
          .add(PERSON_ID, DataTypes.LongType, false)
          .add(VISIT, DataTypes.IntegerType, false);

  private AdultVisits() {}

  /**
   * The two sides of the split by person, and how many persons each has (public: Adult's sizes).
   */
  public record Split(Dataset<Row> train, Dataset<Row> test, long trainPersons, long testPersons) {}

  /**
   * Builds the train and test sides from {@code dir}'s {@code adult.data} and {@code adult.test},
   * each with Adult's columns, {@link #PERSON_ID}, {@link #VISIT} and {@code label}. Nothing is
   * cached.
   */
  public static Split load(SparkSession spark, Path dir, long seed) {
    Dataset<Row> trainPersons = AdultData.read(spark, dir.resolve("adult.data"));
    Dataset<Row> testPersons = AdultData.read(spark, dir.resolve("adult.test"));
    long nTrain = trainPersons.count();
    long nTest = testPersons.count();
    return new Split(
        visits(spark, trainPersons, 0, seed),
        visits(spark, testPersons, nTrain, seed),
        nTrain,
        nTest);
  }

  /**
   * The visits of the persons in {@code persons} (rows with {@link AdultData#SCHEMA}'s columns, in
   * their order: the i-th row is person {@code firstId + i}), with {@code label}.
   */
  static Dataset<Row> visits(SparkSession spark, Dataset<Row> persons, long firstId, long seed) {
    // zipWithIndex numbers rows in partition order, i.e. in the file's line order.
    JavaRDD<Row> rows =
        persons
            .toJavaRDD()
            .zipWithIndex()
            .flatMap(p -> expand(p._1(), firstId + p._2(), seed).iterator());
    return AdultData.withLabel(spark.createDataFrame(rows, SCHEMA));
  }

  /**
   * Person {@code personId}'s rows: its Adult row {@code person} as visit 0, then its extra visits.
   */
  static List<Row> expand(Row person, long personId, long seed) {
    SplittableRandom r = generator(seed, personId);
    int extra = extraVisits(r);
    List<Row> out = new ArrayList<>(extra + 1);
    out.add(withId(person, personId, 0, 0, 0));
    for (int j = 1; j <= extra; j++) {
      int hours = HOURS_CHANGE[r.nextInt(HOURS_CHANGE.length)];
      int age = r.nextInt(2);
      out.add(withId(person, personId, j, hours, age));
    }
    return out;
  }

  /**
   * Person {@code personId}'s generator. Its k-th draw comes from the state {@code seed + (p << 32)
   * + k·γ} (γ SplittableRandom's odd golden gamma); two persons' states meet only if (p − p')·2³² ≡
   * (k' − k)·γ mod 2⁶⁴, which for |k' − k| &lt; 2³² forces k = k' and p = p'.
   */
  static SplittableRandom generator(long seed, long personId) {
    if (personId < 0 || personId >= 1L << 32) {
      throw new IllegalArgumentException("personId must be in [0, 2^32); got " + personId);
    }
    return new SplittableRandom(seed + (personId << 32));
  }

  /**
   * One draw of V from the truncated Zipf law on 1..{@value #MAX_EXTRA} (one {@code nextDouble}).
   */
  static int extraVisits(SplittableRandom r) {
    double u = r.nextDouble() * CUMULATIVE[MAX_EXTRA - 1];
    for (int v = 1; v < MAX_EXTRA; v++) {
      if (u < CUMULATIVE[v - 1]) {
        return v;
      }
    }
    return MAX_EXTRA;
  }

  /** P(V = v) under the public rule. */
  static double probabilityOfExtra(int v) {
    return v < 1 || v > MAX_EXTRA ? 0 : 1.0 / v / CUMULATIVE[MAX_EXTRA - 1];
  }

  /** P(a person has at most {@code rows} rows) = P(1 + V &le; rows), under the public rule. */
  static double rowsAtMost(int rows) {
    int v = Math.min(rows - 1, MAX_EXTRA);
    return v < 1 ? 0 : CUMULATIVE[v - 1] / CUMULATIVE[MAX_EXTRA - 1];
  }

  /**
   * The median number of rows per person under the public rule: the smallest k with P(1 + V &le; k)
   * &ge; 1/2, which is 4 (P = 0.51). The benchmarks' maxRowsPerUnit: it comes from the public rule,
   * never from the data.
   */
  static int medianRowsPerPerson() {
    int k = 2;
    while (rowsAtMost(k) < 0.5) {
      k++;
    }
    return k;
  }

  /** Each person's Adult row (visit 0): one row per person. */
  public static Dataset<Row> originalRows(Dataset<Row> visits) {
    return visits.filter(col(VISIT).equalTo(0));
  }

  /**
   * One row per person, chosen by a public rule: the visit with the smallest {@code
   * xxhash64(person_id, visit, seed)} (ties: the smaller visit), a pseudo-random choice that is
   * fixed by the seed. The choice reads only the person's own rows, so adding or removing a person
   * adds or removes at most one row of the result: row-level DP-SGD on it protects the person.
   */
  public static Dataset<Row> onePerPerson(Dataset<Row> visits, long seed) {
    var byPerson =
        Window.partitionBy(PERSON_ID)
            .orderBy(xxhash64(col(PERSON_ID), col(VISIT), lit(seed)), col(VISIT));
    return visits
        .withColumn("_pick", row_number().over(byPerson))
        .filter(col("_pick").equalTo(1))
        .drop("_pick");
  }

  /**
   * The public encoding of the visits: {@link AdultData#encoder()}'s columns plus {@code
   * hours_per_week} with its public bounds [1, 99] (the perturbed column becomes a feature).
   */
  public static PublicFeatureEncoder encoder() {
    return AdultData.encoderBuilder().numeric("hours_per_week", MIN_HOURS, MAX_HOURS).build();
  }

  private static Row withId(Row person, long personId, int visit, int hoursChange, int ageChange) {
    Object[] v = new Object[SCHEMA.size()];
    for (int i = 0; i < person.size(); i++) {
      v[i] = person.get(i);
    }
    if (visit > 0) {
      v[HOURS] = shift(person, HOURS, hoursChange, MIN_HOURS, MAX_HOURS);
      v[AGE] = shift(person, AGE, ageChange, MIN_AGE, MAX_AGE);
    }
    v[person.size()] = personId;
    v[person.size() + 1] = visit;
    return RowFactory.create(v);
  }

  /** The int field moved by {@code change} and clipped to [lo, hi]; null stays null. */
  private static Integer shift(Row person, int field, int change, int lo, int hi) {
    if (person.isNullAt(field)) {
      return null;
    }
    return Math.max(lo, Math.min(hi, person.getInt(field) + change));
  }

  private static double[] cumulative() {
    double[] c = new double[MAX_EXTRA];
    double h = 0;
    for (int v = 1; v <= MAX_EXTRA; v++) {
      h += 1.0 / v;
      c[v - 1] = h;
    }
    return c;
  }
}
