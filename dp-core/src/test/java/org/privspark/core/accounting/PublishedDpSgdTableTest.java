package org.privspark.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The DP-SGD MNIST settings (Abadi et al. 2016: 60,000 examples, lots of 256) as published in
 * TensorFlow Privacy's tutorials/README.md: ε at δ = 1e-5 for noise multipliers and epochs,
 * computed there with the classic conversion ε = min_α ε(α) − log δ/(α−1) (Mironov 2017, Prop. 3)
 * on the grid that PrivSpark calls {@code opacus}, with steps = epochs·(60000 // 256), as the
 * tutorial counts them (mnist_dpsgd_tutorial.py: steps_per_epoch = 60000 // batch_size). We get
 * 2.9199 (printed 2.92), 1.1978 (printed 1.20) and 9.7469 (printed 9.74: 0.007 off, which no
 * step-count or grid convention we tried removes, so that row was probably printed by an older
 * accountant). Each figure is checked to within one unit of its last printed digit, then the
 * improved conversion must be tighter.
 */
class PublishedDpSgdTableTest {

  private static double classicEpsilon(RdpCurve curve, double delta) {
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < curve.grid().size(); i++) {
      double a = curve.grid().order(i);
      best = Math.min(best, curve.value(i) - Math.log(delta) / (a - 1));
    }
    return best;
  }

  @ParameterizedTest(name = "sigma={0}, epochs={1} -> eps={2}")
  @CsvSource({"1.12, 60, 2.92", "0.6, 30, 9.74", "1.2, 10, 1.20"})
  void tensorflowPrivacyTable_reproducedToPrintedDigits(
      double sigma, int epochs, double published) {
    long steps = epochs * (60000L / 256);
    SampledGaussianEvent event = new SampledGaussianEvent(256.0 / 60000, sigma, steps);
    RdpCurve curve = event.curve(OrderGrid.opacus());

    double classic = classicEpsilon(curve, 1e-5);
    assertThat(classic).isCloseTo(published, org.assertj.core.api.Assertions.within(0.01));

    double improved = RdpConversion.epsilon(curve, 0, Double.POSITIVE_INFINITY, 1e-5).epsilon();
    assertThat(improved).isLessThan(classic);
  }

  /** The setting: σ = 1.1, 60 epochs. Figure recorded in docs/ACCOUNTING.md. */
  @org.junit.jupiter.api.Test
  void abadiMnistSetting_sigma1point1_60epochs() {
    long steps = 60 * (60000L / 256);
    SampledGaussianEvent event = new SampledGaussianEvent(256.0 / 60000, 1.1, steps);
    double classic = classicEpsilon(event.curve(OrderGrid.opacus()), 1e-5);
    double improved = RdpAccountant.epsilonOf(event, 1e-5, OrderGrid.defaults()).epsilon();
    assertThat(classic).isBetween(2.95, 3.05);
    assertThat(improved).isBetween(2.5, classic);
    System.out.printf("sigma=1.1, 60 epochs: classic %.4f, improved %.4f%n", classic, improved);
  }
}
