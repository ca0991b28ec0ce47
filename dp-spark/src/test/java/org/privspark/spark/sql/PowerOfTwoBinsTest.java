package org.privspark.spark.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The bins of {@link PrivateDataFrame#bounds} and how bounds are read off them (no Spark). */
class PowerOfTwoBinsTest {
  @Test
  void edges_coverEveryFiniteDouble_increasing_andSymmetric() {
    double[] e = PowerOfTwoBins.edges();
    assertThat(e).hasSize(PowerOfTwoBins.BINS + 1);
    assertThat(e[0]).isEqualTo(-Double.MAX_VALUE);
    assertThat(e[e.length - 1]).isEqualTo(Double.MAX_VALUE);
    for (int i = 1; i < e.length; i++) {
      assertThat(e[i]).as("edge %d", i).isGreaterThan(e[i - 1]);
      assertThat(e[i]).isEqualTo(-e[e.length - 1 - i]);
    }
    assertThat(e).contains(0.0, 1.0, 2.0, 0x1p-32, 0x1p64, 0x1p512, -1.0, -0x1p63);
    // Every octave between 2^-32 and 2^64 is one bin.
    assertThat(Arrays.stream(e).filter(x -> x >= 0x1p-32 && x <= 0x1p64).count()).isEqualTo(97);
  }

  @Test
  void threshold_isTheLaplaceTailAtBetaOverBins() {
    // σ = √2 (b = 1), β = 1e-3: t = ln(202 / 0.002).
    assertThat(PowerOfTwoBins.threshold(Math.sqrt(2), 1e-3)).isCloseTo(Math.log(101_000), within());
  }

  @Test
  void readOff_takesTheOuterEdgesOfTheOutermostBinsAboveTheThreshold() {
    double[] e = PowerOfTwoBins.edges();
    int one = Arrays.binarySearch(e, 1.0); // bin [1, 2)
    int minus8 = Arrays.binarySearch(e, -8.0); // bin [-8, -4)
    double[] noisy = new double[PowerOfTwoBins.BINS];
    noisy[minus8] = 100;
    noisy[one] = 100;
    noisy[one + 3] = 11; // below t ≈ 11.5 at b = 1: left out
    noisy[0] = -500;
    Bounds b = PowerOfTwoBins.readOff(noisy, Math.sqrt(2), 1e-3, 0.5, 1);
    assertThat(b.found()).isTrue();
    assertThat(b.lower()).isEqualTo(-8.0);
    assertThat(b.upper()).isEqualTo(2.0);
    assertThat(b.epsilon()).isEqualTo(0.5);
    assertThat(b.description()).contains("202 signed power-of-two bins");
  }

  @Test
  void readOff_withNoBinAboveTheThreshold_isNotFound_withNaNBounds() {
    Bounds b = PowerOfTwoBins.readOff(new double[PowerOfTwoBins.BINS], 1.0, 1e-3, 1.0, 1);
    assertThat(b.found()).isFalse();
    assertThat(b.lower()).isNaN();
    assertThat(b.upper()).isNaN();
    assertThatThrownBy(() -> PowerOfTwoBins.readOff(new double[3], 1.0, 1e-3, 1.0, 1))
        .isInstanceOf(IllegalStateException.class);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-12);
  }
}
