package org.privspark.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.privspark.jobs.FeatureSpec;
import org.privspark.jobs.JobFixture;
import org.privspark.spark.ml.feature.PublicFeatureEncoder;

/**
 * The one place of the Adult data: {@link AdultData#defaultDir()} finds the checkout's copy from a
 * module's folder, and the train job's JSON feature spec, {@code data/adult/adult-features.json},
 * is the same encoding as {@link AdultData#encoder()}, with the same label.
 */
class AdultDataTest {

  @Test
  void defaultDir_fromTheModuleFolder_isTheCheckoutsCopy() throws Exception {
    Path dir = AdultData.defaultDir();
    assertThat(Files.isSameFile(dir, Path.of("..", "data", "adult"))).isTrue();
    assertThat(dir.resolve("adult.test")).isRegularFile();
  }

  @Test
  void jobsFeatureSpec_isAdultDataEncoder_paramsAndFeaturesOfEveryRow() {
    FeatureSpec spec = FeatureSpec.read(AdultData.defaultDir().resolve("adult-features.json"));
    PublicFeatureEncoder fromJson = spec.encoder();
    PublicFeatureEncoder fromJava = AdultData.encoder();
    for (Param<?> p : fromJava.params()) {
      Param<?> q = fromJson.getParam(p.name());
      assertThat(fromJson.isDefined(q)).as(p.name() + " defined").isEqualTo(fromJava.isDefined(p));
      if (fromJava.isDefined(p)) {
        assertThat(Objects.deepEquals(fromJson.getOrDefault(q), fromJava.getOrDefault(p)))
            .as(p.name())
            .isTrue();
      }
    }

    // Both splits, every row: clamping (capital gains above 15,000) and unknowns ("?") included.
    for (String split : List.of("adult.data", "adult.test")) {
      Dataset<Row> rows = AdultData.load(JobFixture.spark(), AdultData.defaultDir().resolve(split));
      List<Row> both =
          fromJson
              .transform(fromJava.setOutputCol("java").transform(rows))
              .select("java", "features")
              .collectAsList();
      assertThat(both)
          .hasSize((int) (split.equals("adult.data") ? AdultData.TRAIN_ROWS : AdultData.TEST_ROWS));
      for (Row r : both) {
        assertThat(r.<Vector>getAs(1)).isEqualTo(r.<Vector>getAs(0));
      }
    }

    // The label: AdultData's is 1.0 where the trimmed income starts with ">50K" (adult.test ends it
    // in a dot).
    assertThat(spec.label().column()).isEqualTo("income");
    assertThat(spec.label().positive()).isEqualTo(">50K");
    assertThat(spec.label().match()).isEqualTo("prefix");
  }
}
