package org.privspark.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.privspark.jobs.JobFixture;

/**
 * The public rule of {@link AdultVisits}: 2 to 21 rows per person, the stated perturbations and
 * nothing else, ids, the split by person, and determinism for a seed. Every check is on fixed
 * seeds, so the tests are deterministic (no false failures).
 */
class AdultVisitsTest {
  private static final Path ADULT = Path.of("../data/adult").toAbsolutePath().normalize();
  private static final long ADULT_TRAIN = 32_561;
  private static final long ADULT_TEST = 16_281;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    // The jobs' shared session: stopping a session of its own would stop the JVM's active one,
    // which getOrCreate hands to the test classes that run next.
    spark = JobFixture.spark();
  }

  private static Row person(int age, int hours) {
    return RowFactory.create(
        age,
        "Private",
        77516,
        "Bachelors",
        13,
        "Never-married",
        "Adm-clerical",
        "Not-in-family",
        "White",
        "Male",
        2174,
        0,
        hours,
        "United-States",
        "<=50K");
  }

  @Test
  void extraVisits_followTheTruncatedZipfLaw() {
    SplittableRandom r = new SplittableRandom(1);
    int draws = 200_000;
    long[] seen = new long[AdultVisits.MAX_EXTRA + 1];
    for (int i = 0; i < draws; i++) {
      int v = AdultVisits.extraVisits(r);
      assertThat(v).isBetween(1, AdultVisits.MAX_EXTRA);
      seen[v]++;
    }
    double total = 0;
    for (int v = 1; v <= AdultVisits.MAX_EXTRA; v++) {
      double p = AdultVisits.probabilityOfExtra(v);
      total += p;
      // 5 binomial standard deviations at most (seed fixed: the outcome is fixed too).
      assertThat((double) seen[v] / draws)
          .as("P(V = %d)", v)
          .isCloseTo(p, within(5 * Math.sqrt(p / draws)));
    }
    assertThat(total).isCloseTo(1.0, within(1e-12));
    assertThat(AdultVisits.probabilityOfExtra(1)).isCloseTo(0.2780, within(1e-4));
    assertThat(AdultVisits.probabilityOfExtra(20)).isCloseTo(0.0139, within(1e-4));
  }

  @Test
  void medianRowsPerPerson_isFourFromThePublicLawAlone() {
    assertThat(AdultVisits.medianRowsPerPerson()).isEqualTo(4);
    assertThat(AdultVisits.rowsAtMost(3)).isLessThan(0.5);
    assertThat(AdultVisits.rowsAtMost(4)).isGreaterThanOrEqualTo(0.5);
    assertThat(AdultVisits.rowsAtMost(1)).isZero();
    assertThat(AdultVisits.rowsAtMost(21)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void expand_givesTwoToTwentyOneRowsWithTheStatedPerturbationsOnly() {
    Row original = person(40, 45);
    for (long id = 0; id < 2_000; id++) {
      List<Row> rows = AdultVisits.expand(original, id, AdultVisits.DEFAULT_SEED);
      assertThat(rows).hasSizeBetween(2, 21);
      for (int j = 0; j < rows.size(); j++) {
        Row v = rows.get(j);
        assertThat(v.size()).isEqualTo(AdultVisits.SCHEMA.size());
        assertThat(v.getLong(15)).isEqualTo(id);
        assertThat(v.getInt(16)).isEqualTo(j);
        int hoursChange = v.getInt(12) - 45;
        int ageChange = v.getInt(0) - 40;
        if (j == 0) {
          assertThat(hoursChange).isZero();
          assertThat(ageChange).isZero();
        } else {
          assertThat(hoursChange).isIn(-2, -1, 1, 2);
          assertThat(ageChange).isIn(0, 1);
        }
        for (int f = 1; f < 15; f++) {
          if (f != 12) {
            assertThat(v.get(f)).as("field %d of visit %d", f, j).isEqualTo(original.get(f));
          }
        }
      }
    }
  }

  @Test
  void expand_clipsToThePublicRanges() {
    for (long id = 0; id < 500; id++) {
      for (Row v : AdultVisits.expand(person(90, 99), id, 7)) {
        assertThat(v.getInt(12)).isBetween(97, 99);
        assertThat(v.getInt(0)).isEqualTo(90);
      }
      for (Row v : AdultVisits.expand(person(17, 1), id, 7)) {
        assertThat(v.getInt(12)).isBetween(1, 3);
        assertThat(v.getInt(0)).isBetween(17, 18);
      }
    }
  }

  @Test
  void expand_isDeterministicForASeedAndChangesWithIt() {
    Row original = person(30, 40);
    int differ = 0;
    for (long id = 0; id < 200; id++) {
      List<Row> a = AdultVisits.expand(original, id, 11);
      assertThat(AdultVisits.expand(original, id, 11)).isEqualTo(a);
      differ += AdultVisits.expand(original, id, 12).equals(a) ? 0 : 1;
    }
    assertThat(differ).isGreaterThan(150);
  }

  @Test
  void generator_refusesIdsOutsideItsRange() {
    assertThatThrownBy(() -> AdultVisits.generator(1, -1))
        .hasMessage("personId must be in [0, 2^32); got -1");
    assertThatThrownBy(() -> AdultVisits.generator(1, 1L << 32))
        .hasMessageStartingWith("personId must be in");
  }

  @Test
  void load_onAdult_idsCountsAndSplitByPerson() {
    AdultVisits.Split split = AdultVisits.load(spark, ADULT, AdultVisits.DEFAULT_SEED);
    assertThat(split.trainPersons()).isEqualTo(ADULT_TRAIN);
    assertThat(split.testPersons()).isEqualTo(ADULT_TEST);
    Row train = perPerson(split.train());
    Row test = perPerson(split.test());
    // persons, min id, max id, min rows, max rows, rows
    assertThat(train.getLong(0)).isEqualTo(ADULT_TRAIN);
    assertThat(train.getLong(1)).isZero();
    assertThat(train.getLong(2)).isEqualTo(ADULT_TRAIN - 1);
    assertThat(test.getLong(0)).isEqualTo(ADULT_TEST);
    assertThat(test.getLong(1)).isEqualTo(ADULT_TRAIN); // test ids follow the train ids: disjoint
    assertThat(test.getLong(2)).isEqualTo(ADULT_TRAIN + ADULT_TEST - 1);
    for (Row side : List.of(train, test)) {
      assertThat(side.getLong(3)).isGreaterThanOrEqualTo(2);
      assertThat(side.getLong(4)).isLessThanOrEqualTo(21);
      // about 1 + E[V] = 6.56 rows per person
      assertThat((double) side.getLong(5) / side.getLong(0)).isBetween(6.3, 6.8);
    }
    // visit 0 of person i is line i of adult.data, unchanged
    List<Row> firstLines =
        AdultData.read(spark, ADULT.resolve("adult.data")).limit(3).collectAsList();
    List<Row> originals =
        AdultVisits.originalRows(split.train())
            .filter(col(AdultVisits.PERSON_ID).lt(3))
            .orderBy(AdultVisits.PERSON_ID)
            .collectAsList();
    for (int i = 0; i < 3; i++) {
      for (int f = 0; f < 15; f++) {
        assertThat(originals.get(i).get(f)).isEqualTo(firstLines.get(i).get(f));
      }
    }
  }

  @Test
  void load_isDeterministicForASeed() {
    Row a = fingerprint(AdultVisits.load(spark, ADULT, 5).train());
    Row b = fingerprint(AdultVisits.load(spark, ADULT, 5).train());
    Row c = fingerprint(AdultVisits.load(spark, ADULT, 6).train());
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void onePerPerson_keepsExactlyOneOwnRowPerPersonDeterministically() {
    Dataset<Row> visits = AdultVisits.load(spark, ADULT, 3).test().cache();
    try {
      Dataset<Row> one = AdultVisits.onePerPerson(visits, 9).cache();
      Row r =
          one.agg(
                  count("*"),
                  countDistinct(col(AdultVisits.PERSON_ID)),
                  max(col(AdultVisits.VISIT)))
              .first();
      assertThat(r.getLong(0)).isEqualTo(ADULT_TEST);
      assertThat(r.getLong(1)).isEqualTo(ADULT_TEST);
      assertThat(r.getInt(2)).isPositive(); // not always the Adult row
      // every kept row is one of its person's rows
      assertThat(one.join(visits, one.columns()).count()).isEqualTo(ADULT_TEST);
      assertThat(AdultVisits.onePerPerson(visits, 9).exceptAll(one).count()).isZero();
      assertThat(AdultVisits.onePerPerson(visits, 10).exceptAll(one).count()).isPositive();
      one.unpersist();
    } finally {
      visits.unpersist();
    }
  }

  @Test
  void encoder_addsHoursToAdultsPublicEncoding() {
    assertThat(AdultVisits.encoder().numFeatures())
        .isEqualTo(AdultData.encoder().numFeatures() + 1);
  }

  private static Row perPerson(Dataset<Row> visits) {
    return visits
        .groupBy(AdultVisits.PERSON_ID)
        .agg(count("*").as("n"))
        .agg(
            count("*"),
            min(AdultVisits.PERSON_ID),
            max(AdultVisits.PERSON_ID),
            min("n"),
            max("n"),
            sum("n"))
        .first();
  }

  private static Row fingerprint(Dataset<Row> visits) {
    return visits
        .agg(
            count("*"),
            sum("hours_per_week"),
            sum("age"),
            sum(col(AdultVisits.PERSON_ID).multiply(col(AdultVisits.VISIT))))
        .first();
  }
}
