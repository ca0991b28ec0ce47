package org.privspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * Hostile review of issue 17, item 1 on the CLI: {@code accountant epsilon --accountant pld} of a
 * Laplace release of scale 0.001 (ε₀ = 1000, exact ε(1e-5) = 1000 + 2 log(1 − 1e-5)) prints ε ≈
 * 709.78, the point where e^a overflows in the discretisation. Closed form: no false failures.
 */
class HostileReview17PldCliTest {
  @Test
  void pldEpsilonOfLaplace_neverBelowTheExactValue_orRefused() throws Exception {
    CliRun r =
        CliRun.of(
            "accountant",
            "epsilon",
            "--delta",
            "1e-5",
            "--json",
            "--accountant",
            "pld",
            "laplace:b=0.001");
    if (r.exit() != 0) {
      return; // a clear refusal is acceptable
    }
    double eps = new ObjectMapper().readTree(r.out()).get("epsilon").asDouble();
    assertThat(eps).isGreaterThanOrEqualTo(1000 + 2 * StrictMath.log1p(-1e-5));
  }
}
