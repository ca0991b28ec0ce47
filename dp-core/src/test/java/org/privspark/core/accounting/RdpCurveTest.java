package org.privspark.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class RdpCurveTest {

  @Test
  void addRoundingUp_exactSums_areNotInflated() {
    assertThat(RdpCurve.addRoundingUp(0.5, 0.5)).isEqualTo(1.0);
    assertThat(RdpCurve.multiplyRoundingUp(0.25, 4)).isEqualTo(1.0);
  }

  @Test
  void multiplyRoundingUp_countAbove2To53_roundsTheCountUp() {
    // 2^53 + 1 is not a double; to nearest it becomes 2^53, and 1.0 × 2^53 fell short.
    long count = (1L << 53) + 1;
    double p = RdpCurve.multiplyRoundingUp(1.0, count);
    assertThat(new BigDecimal(p)).isGreaterThanOrEqualTo(new BigDecimal(count));
    assertThat(p).isEqualTo(Math.nextUp(0x1p53));
    assertThat(RdpCurve.multiplyRoundingUp(0.5, Long.MAX_VALUE)).isEqualTo(0x1p62);
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
    assertThatThrownBy(() -> RdpCurve.of(g, new double[] {0.1, Double.NaN}))
        .hasMessage("rdp at order 3.0 must be >= 0; got NaN");
    assertThatThrownBy(() -> RdpCurve.of(g, new double[] {0.1}))
        .hasMessage("values must have one entry per order (2); got 1");
  }
}
