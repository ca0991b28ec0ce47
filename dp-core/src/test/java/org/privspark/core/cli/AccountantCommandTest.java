package org.privspark.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;

class AccountantCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Result(int exit, String out, String err) {
    JsonNode json() throws Exception {
      return JSON.readTree(out);
    }
  }

  private static Result run(String... args) {
    CliRun r = CliRun.of(args);
    return new Result(r.exit(), r.out(), r.err());
  }

  @Test
  void epsilon_dpSgdMnist_printsTheAccountantsNumberAsJson() throws Exception {
    Result r = run("accountant", "epsilon", "--delta", "1e-5", "--json", "sampled-gaussian:q=0.004266666666666667,sigma=1.1,steps=14040");
    assertThat(r.exit()).isZero();
    JsonNode j = r.json();
    var expected = RdpAccountant.epsilonOf(new SampledGaussianEvent(0.004266666666666667, 1.1, 14040), 1e-5, OrderGrid.defaults());
    assertThat(j.get("epsilon").asDouble()).isEqualTo(expected.epsilon());
    assertThat(j.get("delta").asDouble()).isEqualTo(1e-5);
    assertThat(j.get("order").asDouble()).isEqualTo(expected.order());
    assertThat(r.out().strip().lines()).hasSize(1);
  }

  @Test
  void epsilon_composesSeveralEventsWithCounts() throws Exception {
    Result r = run("accountant", "epsilon", "--delta", "1e-6", "--json", "gaussian:sigma=5,count=3", "laplace:b=10");
    assertThat(r.exit()).isZero();
    double expected = new RdpAccountant()
        .compose(GaussianEvent.withNoiseMultiplier(5).times(3)).compose(new LaplaceEvent(10, 1)).epsilon(1e-6).epsilon();
    assertThat(r.json().get("epsilon").asDouble()).isEqualTo(expected);
  }

  @Test
  void epsilon_pureOnlyWithZeroDelta_usesBasicCompositionAndNullOrder() throws Exception {
    Result r = run("accountant", "epsilon", "--delta", "0", "--json", "pure:epsilon=0.25,count=4");
    assertThat(r.exit()).isZero();
    assertThat(r.json().get("epsilon").asDouble()).isCloseTo(1.0, within(1e-15));
    assertThat(r.json().get("order").isNull()).isTrue();
  }

  @Test
  void epsilon_humanOutput_namesTheOrder_andWarnsAtGridEdge() {
    Result r = run("accountant", "epsilon", "--delta", "1e-5", "--orders", "2,3", "zcdp:rho=0.001");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("epsilon = ").contains("optimal order 3.0");
    assertThat(r.err()).contains("warning: the optimal order 3.0 is at the edge of the order grid");
  }

  @Test
  void delta_atEpsilon_printsJson() throws Exception {
    Result r = run("accountant", "delta", "--epsilon", "1", "--json", "gaussian:sigma=4.530877117");
    assertThat(r.exit()).isZero();
    double expected = new RdpAccountant().compose(GaussianEvent.withNoiseMultiplier(4.530877117)).delta(1).delta();
    assertThat(r.json().get("delta").asDouble()).isEqualTo(expected);
    assertThat(r.json().size()).isEqualTo(1);
  }

  @Test
  void calibrate_singleRelease_isAnalyticGaussian() throws Exception {
    Result r = run("accountant", "calibrate", "--epsilon", "1", "--delta", "1e-5", "--json");
    assertThat(r.exit()).isZero();
    assertThat(r.json().get("sigma").asDouble()).isEqualTo(Calibration.analyticGaussianSigma(1, 1e-5, 1));
  }

  @Test
  void calibrate_dpSgd_isRdpBisection() throws Exception {
    Result r = run("accountant", "calibrate", "--epsilon", "3", "--delta", "1e-5", "--sample-rate", "0.004", "--steps", "10000", "--json");
    assertThat(r.exit()).isZero();
    assertThat(r.json().get("sigma").asDouble())
        .isEqualTo(Calibration.dpSgdNoiseMultiplier(0.004, 10000, 3, 1e-5, OrderGrid.defaults()));
  }

  @Test
  void calibrate_dpSgdOptimumAtGridEdge_warns() {
    Result r = run("accountant", "calibrate", "--epsilon", "3", "--delta", "1e-5", "--sample-rate", "0.004",
        "--steps", "10000", "--orders", "2,3");
    assertThat(r.exit()).isZero();
    assertThat(r.err()).containsPattern("warning: the optimal order [23]\\.0 is at the edge of the order grid");
  }

  @Test
  void badSpecs_exit2_withMessageNamingTheBadPart() {
    assertBad(run("accountant", "epsilon", "--delta", "1e-5", "gaussian:sigma=abc"), "sigma must be a number; got 'abc'");
    assertBad(run("accountant", "epsilon", "--delta", "1e-5", "gaussian:sigma=-1"), "sigma must be finite and > 0; got -1.0");
    assertBad(run("accountant", "epsilon", "--delta", "1e-5", "gaussian:sigma=1,cnt=2"), "unknown parameter 'cnt'");
    assertBad(run("accountant", "epsilon", "--delta", "1e-5", "gauss:sigma=1"), "unknown event kind 'gauss'");
    assertBad(run("accountant", "epsilon", "--delta", "1e-5", "sampled-gaussian:q=0.1,sigma=1"), "missing parameter 'steps'");
    assertBad(run("accountant", "epsilon", "--delta", "1e-5", "sampled-gaussian:q=2,sigma=1,steps=3"), "sampleRate must be in [0, 1]; got 2.0");
    assertBad(run("accountant", "epsilon", "--delta", "1e-5", "laplace:b=1,count=0"), "count must be >= 1; got 0");
    assertBad(run("accountant", "epsilon", "--delta", "1.5", "laplace:b=1"), "delta must be in [0.0, 1.0); got 1.5");
    assertBad(run("accountant", "epsilon", "--delta", "1e-5", "--orders", "0.5,2", "laplace:b=1"), "orders[0] must be finite and > 1; got 0.5");
    assertBad(run("accountant", "epsilon", "--delta", "1e-5"), "EVENT");
    assertBad(run("accountant", "calibrate", "--epsilon", "1", "--delta", "1e-5", "--steps", "10"), "--sample-rate and --steps must be given together");
    assertBad(run("accountant", "calibrate", "--epsilon", "0", "--delta", "1e-5"), "epsilon must be finite and > 0; got 0.0");
    assertBad(run(), "a command is required");
  }

  private static void assertBad(Result r, String message) {
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(message);
    assertThat(r.out()).isEmpty();
  }
}
