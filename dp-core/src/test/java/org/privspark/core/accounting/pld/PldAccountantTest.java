package org.privspark.core.accounting.pld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.ZcdpEvent;

/** Calibration, validation and the FFT's error bound. */
class PldAccountantTest {

  @Test
  void dpSgdNoiseMultiplier_meetsTargetAndIsTight() {
    double q = 0.02;
    long steps = 50;
    double z = PldAccountant.dpSgdNoiseMultiplier(q, steps, 1.0, 1e-5);
    assertThat(PldAccountant.epsilon(new SampledGaussianEvent(q, z, steps), 1e-5))
        .isLessThanOrEqualTo(1.0);
    assertThat(PldAccountant.epsilon(new SampledGaussianEvent(q, z * (1 - 2e-4), steps), 1e-5))
        .isGreaterThan(1.0);
  }

  @Test
  void settings_outOfRange_throwNamingTheParameter() {
    assertThatThrownBy(() -> new PldSettings(0, 1e-15))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("valueDiscretizationInterval");
    assertThatThrownBy(() -> new PldSettings(Double.NaN, 1e-15))
        .hasMessageContaining("valueDiscretizationInterval");
    assertThatThrownBy(() -> new PldSettings(1e-4, 0))
        .hasMessageContaining("tailMassTruncation must be in (0, 0.001]");
    assertThatThrownBy(() -> new PldSettings(1e-4, 0.5)).hasMessageContaining("tailMassTruncation");
    assertThat(PldSettings.defaults()).isEqualTo(new PldSettings(1e-4, 1e-15));
  }

  @Test
  void queries_outOfRange_throwNamingTheParameter() {
    PrivacyLossDistribution pld =
        PrivacyLossDistribution.of(new LaplaceEvent(1, 1), PldSettings.defaults());
    assertThatThrownBy(() -> pld.epsilon(0)).hasMessageContaining("delta must be in (0.0, 1.0)");
    assertThatThrownBy(() -> pld.epsilon(1)).hasMessageContaining("delta");
    assertThatThrownBy(() -> pld.delta(-1)).hasMessageContaining("epsilon must be finite and >= 0");
    assertThatThrownBy(() -> pld.delta(Double.NaN)).hasMessageContaining("epsilon");
    assertThatThrownBy(() -> pld.selfCompose(0)).hasMessageContaining("times");
    assertThatThrownBy(
            () ->
                pld.compose(
                    PrivacyLossDistribution.of(
                        new LaplaceEvent(1, 1), new PldSettings(1e-3, 1e-15))))
        .hasMessageContaining("same settings");
    assertThatThrownBy(() -> PldAccountant.dpSgdNoiseMultiplier(0, 10, 1, 1e-5))
        .hasMessageContaining("sampleRate");
    assertThatThrownBy(() -> PldAccountant.dpSgdNoiseMultiplier(0.1, 0, 1, 1e-5))
        .hasMessageContaining("steps");
    assertThatThrownBy(() -> PldAccountant.dpSgdNoiseMultiplier(0.1, 10, -1, 1e-5))
        .hasMessageContaining("epsilon");
    assertThatThrownBy(() -> PldAccountant.epsilon(new LaplaceEvent(1, 1), 1e-5, null))
        .hasMessageContaining("settings");
  }

  @Test
  void eventWithoutPld_throwsUnsupportedNamingItsKind() {
    assertThatThrownBy(() -> PldAccountant.epsilon(new ZcdpEvent(0.5), 1e-5))
        .isInstanceOf(UnsupportedPldException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ZcdpEvent")
        .hasMessageContaining("RDP");
    // Inside a composition too.
    assertThatThrownBy(
            () ->
                PldAccountant.epsilon(
                    ComposedEvent.of(GaussianEvent.withNoiseMultiplier(1), new ZcdpEvent(0.5)),
                    1e-5))
        .isInstanceOfSatisfying(
            UnsupportedPldException.class, e -> assertThat(e.eventKind()).isEqualTo("ZcdpEvent"));
  }

  @Test
  void tooFineAGrid_isRefusedNamingTheInterval() {
    assertThatThrownBy(
            () ->
                PrivacyLossDistribution.of(
                    GaussianEvent.withNoiseMultiplier(0.1), new PldSettings(1e-8, 1e-15)))
        .hasMessageContaining("valueDiscretizationInterval");
  }

  @Test
  void fftConvolution_withinItsProvenBoundOfTheDirectSum() {
    // Two distributions with mass spread over many points (a deterministic pseudo-random
    // sequence), convolved by FFT and directly (exactly, in BigDecimal).
    int n = 800;
    double[] a = new double[n];
    double[] b = new double[n / 2];
    long state = 42;
    for (int i = 0; i < n; i++) {
      state = state * 6364136223846793005L + 1442695040888963407L;
      a[i] = (state >>> 11) * 0x1p-53;
    }
    for (int i = 0; i < b.length; i++) {
      state = state * 6364136223846793005L + 1442695040888963407L;
      b[i] = (state >>> 11) * 0x1p-53 * (i % 7 == 0 ? 1e-9 : 1);
    }
    normalize(a);
    normalize(b);
    Fft.Result r = Fft.convolve(a, b);
    double l1 = 0;
    for (int k = 0; k < r.values().length; k++) {
      java.math.BigDecimal exact = java.math.BigDecimal.ZERO;
      for (int i = Math.max(0, k - b.length + 1); i <= Math.min(k, n - 1); i++) {
        exact =
            exact.add(new java.math.BigDecimal(a[i]).multiply(new java.math.BigDecimal(b[k - i])));
      }
      l1 += Math.abs(r.values()[k] - exact.doubleValue());
    }
    assertThat(l1).isLessThanOrEqualTo(r.l1Error());
    assertThat(r.l1Error()).isLessThan(1e-10);
  }

  private static void normalize(double[] x) {
    double sum = 0;
    for (double v : x) {
      sum += v;
    }
    for (int i = 0; i < x.length; i++) {
      x[i] /= sum;
    }
  }
}
