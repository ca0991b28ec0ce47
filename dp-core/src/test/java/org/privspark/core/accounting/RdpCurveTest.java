package org.privspark.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RdpCurveTest {

  @Test
  void addRoundingUp_exactSums_areNotInflated() {
    assertThat(RdpCurve.addRoundingUp(0.5, 0.5)).isEqualTo(1.0);
    assertThat(RdpCurve.multiplyRoundingUp(0.25, 4)).isEqualTo(1.0);
  }

  @Test
  void plus_differentGrids_throws() {
    RdpCurve a = RdpCurve.zero(OrderGrid.defaults());
    RdpCurve b = RdpCurve.zero(OrderGrid.opacus());
    assertThatThrownBy(() -> a.plus(b)).hasMessageContaining("curves must share one order grid");
  }

  @Test
  void of_negativeOrNaNValue_throwsNamingTheOrder() {
    OrderGrid g = OrderGrid.of(2, 3);
    assertThatThrownBy(() -> RdpCurve.of(g, new double[] {0.1, Double.NaN})).hasMessage("rdp at order 3.0 must be >= 0; got NaN");
    assertThatThrownBy(() -> RdpCurve.of(g, new double[] {0.1})).hasMessage("values must have one entry per order (2); got 1");
  }
}
