package org.privspark.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.PrivateSelectionEvent;

class EventTextSelectionTest {
  @Test
  void of_privateSelection_showsEtaGammaAndEachCandidate() {
    String text =
        EventText.of(
            new PrivateSelectionEvent(
                List.of(new GaussianEvent(2, 1), new LaplaceEvent(10, 1)), 1, 0.25));
    assertThat(text)
        .isEqualTo(
            "private-selection(eta=1.0, gamma=0.25)[gaussian(sigma=2.0, l2Sensitivity=1.0),"
                + " laplace(scale=10.0, l1Sensitivity=1.0)]");
  }
}
