package org.privspark.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.privspark.spark.ml.params.UnitGradient;

/**
 * The {@code benchmark-ml-units} job's arguments and summary statistics (the job itself runs
 * minutes on Adult and is run by hand, see docs/BENCHMARKS.md). No timing thresholds.
 */
class UnitUtilityBenchmarkTest {
  private static final String DATA = "../data/adult";

  @Test
  void settings_defaults_kFromThePublicRule() {
    UnitUtilityBenchmark.Settings s =
        UnitUtilityBenchmark.Settings.parse(new String[] {"--data", DATA});
    assertThat(s.seeds()).isEqualTo(3);
    assertThat(s.runs()).isEqualTo(5);
    assertThat(s.epochs()).isEqualTo(5);
    assertThat(s.k()).isEqualTo(AdultVisits.medianRowsPerPerson()).isEqualTo(4);
    assertThat(s.utility()).isTrue();
    assertThat(s.timing()).isTrue();
    s =
        UnitUtilityBenchmark.Settings.parse(
            new String[] {"--data", DATA, "--k", "8", "--timing-only"});
    assertThat(s.k()).isEqualTo(8);
    assertThat(s.utility()).isFalse();
  }

  @Test
  void settings_badArguments_throwNamingThem() {
    assertThatThrownBy(() -> UnitUtilityBenchmark.Settings.parse(new String[] {"--bogus"}))
        .hasMessageStartingWith("unknown argument '--bogus'");
    assertThatThrownBy(
            () -> UnitUtilityBenchmark.Settings.parse(new String[] {"--data", DATA, "--k", "0"}))
        .hasMessage("--k must be an integer >= 1; got 0");
    assertThatThrownBy(
            () ->
                UnitUtilityBenchmark.Settings.parse(new String[] {"--data", DATA, "--epochs", "1"}))
        .hasMessage("--epochs must be an integer >= 2; got 1");
    assertThatThrownBy(() -> UnitUtilityBenchmark.Settings.parse(new String[] {"--seeds"}))
        .hasMessage("--seeds needs a value");
    assertThatThrownBy(
            () -> UnitUtilityBenchmark.Settings.parse(new String[] {"--data", "/nonexistent"}))
        .hasMessageStartingWith("--data must name a directory with adult.data and adult.test");
    assertThatThrownBy(
            () ->
                UnitUtilityBenchmark.Settings.parse(
                    new String[] {"--data", DATA, "--utility-only", "--timing-only"}))
        .hasMessage("--utility-only and --timing-only exclude each other");
  }

  @Test
  void estimators_claimThePersonAsStated() {
    UnitUtilityBenchmark.Settings s =
        UnitUtilityBenchmark.Settings.parse(new String[] {"--data", DATA});
    var unit = UnitUtilityBenchmark.unitLevel(s, 32_561);
    assertThat(unit.getPrivacyUnit()).isEqualTo("person");
    assertThat(unit.getPrivacyUnitCol()).isEqualTo(AdultVisits.PERSON_ID);
    assertThat(unit.getMaxRowsPerUnit()).isEqualTo(4);
    assertThat(unit.getRowIsUnit()).isFalse();
    assertThat(unit.getUnitGradient())
        .as("(a) is the estimator as a user gets it")
        .isEqualTo(UnitGradient.MEAN);
    var summed = UnitUtilityBenchmark.summed(UnitUtilityBenchmark.unitLevel(s, 32_561));
    assertThat(summed.getUnitGradient()).isEqualTo(UnitGradient.SUM);
    assertThat((double) summed.getOrDefault(summed.clipNorm())).isEqualTo(2.0);
    var scaled =
        UnitUtilityBenchmark.scaledByK(
            UnitUtilityBenchmark.summed(UnitUtilityBenchmark.unitLevel(s, 32_561)), s.k());
    assertThat(scaled.getUnitGradient()).isEqualTo(UnitGradient.SUM);
    assertThat((double) scaled.getOrDefault(scaled.clipNorm())).isEqualTo(8.0);
    assertThat((double) scaled.getOrDefault(scaled.learningRate())).isEqualTo(0.5);
    var row = UnitUtilityBenchmark.rowLevel(s, 32_561);
    assertThat(row.getPrivacyUnit()).isEqualTo("person");
    assertThat(row.getPrivacyUnitCol()).isNull();
    assertThat(row.getRowIsUnit()).isTrue();
    assertThat(unit.plan().noiseMultiplier())
        .isEqualTo(row.plan().noiseMultiplier()); // same q, steps, ε
  }

  /**
   * The table's models and their order: the targets are printed against (b) and (c) by position.
   */
  @Test
  void models_defaultFirst_thenSum_handScaledSum_mllib_onePerPerson() {
    UnitUtilityBenchmark.Settings s =
        UnitUtilityBenchmark.Settings.parse(new String[] {"--data", DATA});
    assertThat(UnitUtilityBenchmark.models(s))
        .extracting(UnitUtilityBenchmark.Model::column)
        .containsExactly("(a)", "(a-sum)", "(a′)", "(b)", "(c)");
    assertThat(UnitUtilityBenchmark.models(s))
        .extracting(UnitUtilityBenchmark.Model::dp)
        .containsExactly(true, true, true, false, true);
  }

  @Test
  void meanAndSampleSd() {
    assertThat(UnitUtilityBenchmark.mean(List.of(1.0, 2.0, 3.0))).isEqualTo(2.0);
    assertThat(UnitUtilityBenchmark.sd(List.of(1.0, 2.0, 3.0))).isCloseTo(1.0, within(1e-12));
    assertThat(UnitUtilityBenchmark.sd(List.of(5.0))).isZero();
    assertThat(UnitUtilityBenchmark.meanSd(List.of(0.8, 0.9))).isEqualTo("0.8500 ± 0.0707");
  }
}
