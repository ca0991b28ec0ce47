package org.privspark.core.mechanism;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LaplaceMechanismBuilderTest {
  @Test
  void build_epsilonNaN_throwsIllegalArgumentException() {
    assertThatThrownBy(
            () -> LaplaceMechanism.builder().epsilon(Double.NaN).l1Sensitivity(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epsilon must be finite and > 0; got NaN");
  }

  @Test
  void build_epsilonInfinite_throwsIllegalArgumentException() {
    assertThatThrownBy(
            () ->
                LaplaceMechanism.builder()
                    .epsilon(Double.POSITIVE_INFINITY)
                    .l1Sensitivity(1)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epsilon must be finite and > 0; got Infinity");
  }

  @Test
  void build_epsilonZero_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> LaplaceMechanism.builder().epsilon(0).l1Sensitivity(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epsilon must be finite and > 0; got 0.0");
  }

  @Test
  void build_epsilonNegative_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> LaplaceMechanism.builder().epsilon(-1).l1Sensitivity(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epsilon must be finite and > 0; got -1.0");
  }

  @Test
  void build_epsilonAboveRange_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> LaplaceMechanism.builder().epsilon(5000).l1Sensitivity(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epsilon must be in [2^-30, 2^12]; got 5000.0");
  }

  @Test
  void build_epsilonBelowRange_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> LaplaceMechanism.builder().epsilon(1e-10).l1Sensitivity(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epsilon must be in [2^-30, 2^12]; got 1.0E-10");
  }

  @Test
  void build_epsilonMissing_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> LaplaceMechanism.builder().l1Sensitivity(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("epsilon must be set; got nothing");
  }

  @Test
  void build_l1SensitivityNaN_throwsIllegalArgumentException() {
    assertThatThrownBy(
            () -> LaplaceMechanism.builder().epsilon(1).l1Sensitivity(Double.NaN).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("l1Sensitivity must be finite and > 0; got NaN");
  }

  @Test
  void build_l1SensitivityZero_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> LaplaceMechanism.builder().epsilon(1).l1Sensitivity(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("l1Sensitivity must be finite and > 0; got 0.0");
  }

  @Test
  void build_l1SensitivityMissing_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> LaplaceMechanism.builder().epsilon(1).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("l1Sensitivity must be set; got nothing");
  }

  @Test
  void build_scaleOverflows_throwsIllegalArgumentException() {
    assertThatThrownBy(
            () ->
                LaplaceMechanism.builder().epsilon(0x1p-30).l1Sensitivity(Double.MAX_VALUE).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("l1Sensitivity / epsilon must be finite; got");
  }
}
