package org.privspark.core.mechanism;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GaussianMechanismBuilderTest {
  @Test
  void build_sigmaNaN_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> GaussianMechanism.builder().sigma(Double.NaN).l2Sensitivity(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sigma must be finite and > 0; got NaN");
  }

  @Test
  void build_sigmaNegative_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> GaussianMechanism.builder().sigma(-2).l2Sensitivity(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sigma must be finite and > 0; got -2.0");
  }

  @Test
  void build_sigmaAndEpsilon_throwsIllegalArgumentException() {
    assertThatThrownBy(
            () ->
                GaussianMechanism.builder()
                    .sigma(2)
                    .epsilon(1)
                    .delta(1e-6)
                    .l2Sensitivity(1)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "sigma must be set alone, or epsilon and delta instead; got sigma=2.0");
  }

  @Test
  void build_nothingButSensitivity_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> GaussianMechanism.builder().l2Sensitivity(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epsilon must be set (with delta), or sigma instead; got nothing");
  }

  @Test
  void build_epsilonWithoutDelta_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> GaussianMechanism.builder().epsilon(1).l2Sensitivity(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delta must be set with epsilon; got nothing");
  }

  @Test
  void build_epsilonNaN_throwsIllegalArgumentException() {
    assertThatThrownBy(
            () ->
                GaussianMechanism.builder()
                    .epsilon(Double.NaN)
                    .delta(1e-6)
                    .l2Sensitivity(1)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epsilon must be finite and > 0; got NaN");
  }

  @Test
  void build_deltaZero_throwsIllegalArgumentException() {
    assertThatThrownBy(
            () -> GaussianMechanism.builder().epsilon(1).delta(0).l2Sensitivity(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delta must be in (0.0, 1.0); got 0.0");
  }

  @Test
  void build_deltaOne_throwsIllegalArgumentException() {
    assertThatThrownBy(
            () -> GaussianMechanism.builder().epsilon(1).delta(1).l2Sensitivity(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delta must be in (0.0, 1.0); got 1.0");
  }

  @Test
  void build_deltaNaN_throwsIllegalArgumentException() {
    assertThatThrownBy(
            () -> GaussianMechanism.builder().epsilon(1).delta(Double.NaN).l2Sensitivity(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delta must be in (0.0, 1.0); got NaN");
  }

  @Test
  void build_l2SensitivityInfinite_throwsIllegalArgumentException() {
    assertThatThrownBy(
            () ->
                GaussianMechanism.builder()
                    .sigma(1)
                    .l2Sensitivity(Double.POSITIVE_INFINITY)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("l2Sensitivity must be finite and > 0; got Infinity");
  }

  @Test
  void build_l2SensitivityMissing_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> GaussianMechanism.builder().sigma(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("l2Sensitivity must be set; got nothing");
  }

  @Test
  void build_sigmaFarAboveSensitivity_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> GaussianMechanism.builder().sigma(1e9).l2Sensitivity(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sigma / l2Sensitivity must be in [2^-26, 2^19]; got 1.0E9");
  }
}
