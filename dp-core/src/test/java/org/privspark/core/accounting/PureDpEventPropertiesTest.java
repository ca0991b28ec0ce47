package org.privspark.core.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;

/** jqwik properties live in classes of their own: surefire reports one engine per class. */
class PureDpEventPropertiesTest {

  @Property(tries = 300)
  void pureDp_rdp_neverExceedsEpsilonNorBunSteinkeBound(
      @ForAll @DoubleRange(min = 1e-4, max = 20) @Scale(6) double eps,
      @ForAll @DoubleRange(min = 1.01, max = 1024) double alpha) {
    double rdp = new PureDpEvent(eps).rdp(alpha);
    assertThat(rdp).isBetween(0.0, eps);
    assertThat(rdp).isLessThanOrEqualTo(alpha * eps * eps / 2 * (1 + 1e-12));
  }
}
