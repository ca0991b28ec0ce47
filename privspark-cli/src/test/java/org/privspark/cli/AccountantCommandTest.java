package org.privspark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.pld.PldAccountant;

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
    Result r =
        run(
            "accountant",
            "epsilon",
            "--delta",
            "1e-5",
            "--json",
            "sampled-gaussian:q=0.004266666666666667,sigma=1.1,steps=14040");
    assertThat(r.exit()).isZero();
    JsonNode j = r.json();
    // The text is above its nearest double (SampleRatePropertiesTest), so q is the next double up.
    double q = Math.nextUp(0.004266666666666667);
    var expected =
        RdpAccountant.epsilonOf(
            new SampledGaussianEvent(q, 1.1, 14040), 1e-5, OrderGrid.defaults());
    assertThat(j.get("epsilon").asDouble()).isEqualTo(expected.epsilon());
    assertThat(j.get("delta").asDouble()).isEqualTo(1e-5);
    assertThat(j.get("order").asDouble()).isEqualTo(expected.order());
    assertThat(r.out().strip().lines()).hasSize(1);
  }

  @Test
  void epsilon_composesSeveralEventsWithCounts() throws Exception {
    Result r =
        run(
            "accountant",
            "epsilon",
            "--delta",
            "1e-6",
            "--json",
            "gaussian:sigma=5,count=3",
            "laplace:b=10");
    assertThat(r.exit()).isZero();
    double expected =
        new RdpAccountant()
            .compose(GaussianEvent.withNoiseMultiplier(5).times(3))
            .compose(new LaplaceEvent(10, 1))
            .epsilon(1e-6)
            .epsilon();
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
    double expected =
        new RdpAccountant()
            .compose(GaussianEvent.withNoiseMultiplier(4.530877117))
            .delta(1)
            .delta();
    assertThat(r.json().get("delta").asDouble()).isEqualTo(expected);
    assertThat(r.json().size()).isEqualTo(1);
  }

  @Test
  void calibrate_singleRelease_isAnalyticGaussian() throws Exception {
    Result r = run("accountant", "calibrate", "--epsilon", "1", "--delta", "1e-5", "--json");
    assertThat(r.exit()).isZero();
    assertThat(r.json().get("sigma").asDouble())
        .isEqualTo(Calibration.analyticGaussianSigma(1, 1e-5, 1));
  }

  @Test
  void calibrate_dpSgd_isRdpBisection() throws Exception {
    Result r =
        run(
            "accountant",
            "calibrate",
            "--epsilon",
            "3",
            "--delta",
            "1e-5",
            "--sample-rate",
            "0.004",
            "--steps",
            "10000",
            "--json");
    assertThat(r.exit()).isZero();
    assertThat(r.json().get("sigma").asDouble())
        .isEqualTo(Calibration.dpSgdNoiseMultiplier(0.004, 10000, 3, 1e-5, OrderGrid.defaults()));
  }

  @Test
  void calibrate_dpSgdOptimumAtGridEdge_warns() {
    Result r =
        run(
            "accountant",
            "calibrate",
            "--epsilon",
            "3",
            "--delta",
            "1e-5",
            "--sample-rate",
            "0.004",
            "--steps",
            "10000",
            "--orders",
            "2,3");
    assertThat(r.exit()).isZero();
    assertThat(r.err())
        .containsPattern("warning: the optimal order [23]\\.0 is at the edge of the order grid");
  }

  @Test
  void badSpecs_exit2_withMessageNamingTheBadPart() {
    assertBad(
        run("accountant", "epsilon", "--delta", "1e-5", "gaussian:sigma=abc"),
        "sigma must be a number; got 'abc'");
    assertBad(
        run("accountant", "epsilon", "--delta", "1e-5", "gaussian:sigma=-1"),
        "sigma must be finite and > 0; got -1.0");
    assertBad(
        run("accountant", "epsilon", "--delta", "1e-5", "gaussian:sigma=1,cnt=2"),
        "unknown parameter 'cnt'");
    assertBad(
        run("accountant", "epsilon", "--delta", "1e-5", "gauss:sigma=1"),
        "unknown event kind 'gauss'");
    assertBad(
        run("accountant", "epsilon", "--delta", "1e-5", "sampled-gaussian:q=0.1,sigma=1"),
        "missing parameter 'steps'");
    assertBad(
        run("accountant", "epsilon", "--delta", "1e-5", "sampled-gaussian:q=2,sigma=1,steps=3"),
        "q must be a rate in (0, 1]: a decimal such as 0.004 or a fraction N/D of whole numbers"
            + " such as 256/60000; got '2' (outside (0, 1])");
    assertBad(
        run("accountant", "epsilon", "--delta", "1e-5", "laplace:b=1,count=0"),
        "count must be >= 1; got 0");
    assertBad(
        run("accountant", "epsilon", "--delta", "1.5", "laplace:b=1"),
        "delta must be in [0.0, 1.0); got 1.5");
    assertBad(
        run("accountant", "epsilon", "--delta", "1e-5", "--orders", "0.5,2", "laplace:b=1"),
        "orders[0] must be finite and > 1; got 0.5");
    assertBad(run("accountant", "epsilon", "--delta", "1e-5"), "EVENT");
    assertBad(
        run("accountant", "calibrate", "--epsilon", "1", "--delta", "1e-5", "--steps", "10"),
        "--sample-rate and --steps must be given together");
    assertBad(
        run("accountant", "calibrate", "--epsilon", "0", "--delta", "1e-5"),
        "epsilon must be finite and > 0; got 0.0");
    assertBad(run(), "a command is required");
  }

  // ---- DP-SGD convenience flags (TF Privacy's compute_dp_sgd_privacy) and rates as fractions ----

  /** TF Privacy's order grid in compute_dp_sgd_privacy_lib.py. */
  private static final String TF_ORDERS =
      "1.25,1.5,1.75,2,2.25,2.5,3,3.5,4,4.5,"
          + IntStream.rangeClosed(5, 63)
              .mapToObj(Integer::toString)
              .collect(Collectors.joining(","))
          + ",128,256,512";

  /**
   * TF Privacy's own known answers: compute_dp_sgd_privacy_test.py, test_compute_dp_sgd_privacy (n,
   * batch_size, noise_multiplier, epochs, delta → eps, order), computed there with dp_accounting's
   * RdpAccountant, whose conversion (CKS 2020, Prop. 12) is PrivSpark's. The third row's E·N/B =
   * 976,562.5 is rounded up to 976,563 steps: one step fewer moves ε by about 6.
   */
  @ParameterizedTest(
      name = "N={0}, B={1}, z={2}, E={3}, delta={4} -> eps={5} at order {6}, {7} steps")
  @CsvSource({
    "60000, 150, 1.3, 15, 1e-5, 0.7242234026109595, 19.0, 6000",
    "100000, 100, 1.0, 30, 1e-7, 1.4154988495444842, 13.0, 30000",
    "100000000, 1024, 0.1, 10, 1e-7, 5907982.3113978775, 1.25, 976563"
  })
  void epsilon_dpSgdFlags_reproduceTfPrivacysComputeDpSgdPrivacyTests(
      long n,
      long batch,
      double z,
      String epochs,
      String delta,
      double eps,
      double order,
      long steps)
      throws Exception {
    Result r =
        run(
            "accountant",
            "epsilon",
            "--delta",
            delta,
            "--orders",
            TF_ORDERS,
            "--json",
            "--dataset-size",
            Long.toString(n),
            "--batch-size",
            Long.toString(batch),
            "--epochs",
            epochs,
            "--noise-multiplier",
            Double.toString(z));
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = r.json();
    assertThat(j.get("steps").asLong()).isEqualTo(steps);
    assertThat(j.get("epsilon").asDouble()).isCloseTo(eps, within(1e-9 * eps));
    assertThat(j.get("order").asDouble()).isEqualTo(order);
  }

  /**
   * Abadi et al.'s MNIST setting: q = 256/60000, σ = 1.1, 60 epochs. E·N/B = 14,062.5, so TF
   * Privacy's rule takes 14,063 steps (the tutorial's 60·⌊60000/256⌋ = 14,040 is
   * PublishedDpSgdTableTest's count). ε is the accountant's for those steps, and within that test's
   * tolerance (0.01) of the 2.59 recorded in docs/ACCOUNTING.md for 14,040 steps.
   */
  @Test
  void epsilon_dpSgdFlags_abadiMnist_takesTfPrivacysStepsAndTheAccountantsEpsilon()
      throws Exception {
    String[] flags = {
      "--dataset-size",
      "60000",
      "--batch-size",
      "256",
      "--epochs",
      "60",
      "--noise-multiplier",
      "1.1"
    };
    Result r =
        run(concat(new String[] {"accountant", "epsilon", "--delta", "1e-5", "--json"}, flags));
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = r.json();
    assertThat(j.get("steps").asLong()).isEqualTo(14_063);
    double q = j.get("sampleRate").asDouble();
    assertThat(new BigDecimal(q).multiply(BigDecimal.valueOf(60000)))
        .isGreaterThanOrEqualTo(BigDecimal.valueOf(256));
    var expected =
        RdpAccountant.epsilonOf(
            new SampledGaussianEvent(q, 1.1, 14_063), 1e-5, OrderGrid.defaults());
    assertThat(j.get("epsilon").asDouble()).isEqualTo(expected.epsilon());
    assertThat(j.get("order").asDouble()).isEqualTo(expected.order());
    assertThat(j.get("epsilon").asDouble()).isCloseTo(2.59, within(0.01));

    // The same run as one event with q given as a fraction.
    Result event =
        run(
            "accountant",
            "epsilon",
            "--delta",
            "1e-5",
            "--json",
            "sampled-gaussian:q=256/60000,sigma=1.1,steps=14063");
    assertThat(event.json().get("epsilon").asDouble()).isEqualTo(expected.epsilon());

    Result human = run(concat(new String[] {"accountant", "epsilon", "--delta", "1e-5"}, flags));
    assertThat(human.out())
        .startsWith(
            "DP-SGD: q = 256/60000, steps = ceil(60*60000/256) = 14063, noise multiplier 1.1\n"
                + "epsilon = ")
        .contains("optimal order " + expected.order());
  }

  @Test
  void epsilon_dpSgdFlags_fractionalEpochs_stepsAreTheExactCeiling() throws Exception {
    // 1.1·50/5 = 11 exactly; TF Privacy's floating point gets 11.000000000000002 and takes 12.
    Result r =
        run(
            "accountant",
            "epsilon",
            "--delta",
            "1e-5",
            "--json",
            "--dataset-size",
            "50",
            "--batch-size",
            "5",
            "--epochs",
            "1.1",
            "--noise-multiplier",
            "2");
    assertThat(r.json().get("steps").asLong()).isEqualTo(11);
    assertThat(r.json().get("sampleRate").asDouble())
        .isEqualTo(0.1); // the double 0.1 is above 1/10
    Result half =
        run(
            "accountant",
            "epsilon",
            "--delta",
            "1e-5",
            "--json",
            "--dataset-size",
            "60000",
            "--batch-size",
            "256",
            "--epochs",
            "2.5",
            "--noise-multiplier",
            "1.1");
    assertThat(half.json().get("steps").asLong()).isEqualTo(586); // ceil(585.9375)
  }

  @Test
  void epsilon_dpSgdFlagsWithEvents_composesTheRunWithThem() throws Exception {
    Result r =
        run(
            "accountant",
            "epsilon",
            "--delta",
            "1e-5",
            "--json",
            "gaussian:sigma=20",
            "--dataset-size",
            "60000",
            "--batch-size",
            "256",
            "--epochs",
            "60",
            "--noise-multiplier",
            "1.1");
    double q = r.json().get("sampleRate").asDouble();
    double expected =
        new RdpAccountant()
            .compose(GaussianEvent.withNoiseMultiplier(20))
            .compose(new SampledGaussianEvent(q, 1.1, 14_063))
            .epsilon(1e-5)
            .epsilon();
    assertThat(r.json().get("epsilon").asDouble()).isEqualTo(expected);
  }

  @Test
  void delta_dpSgdFlags_areTheAccountantsDelta() throws Exception {
    Result r =
        run(
            "accountant",
            "delta",
            "--epsilon",
            "3",
            "--json",
            "--dataset-size",
            "60000",
            "--batch-size",
            "256",
            "--epochs",
            "60",
            "--noise-multiplier",
            "1.1");
    assertThat(r.exit()).as(r.err()).isZero();
    double q = r.json().get("sampleRate").asDouble();
    double expected =
        new RdpAccountant().compose(new SampledGaussianEvent(q, 1.1, 14_063)).delta(3).delta();
    assertThat(r.json().get("delta").asDouble()).isEqualTo(expected);
  }

  @Test
  void calibrate_dpSgdFlags_equalsSampleRateAndSteps() throws Exception {
    Result flags =
        run(
            "accountant",
            "calibrate",
            "--epsilon",
            "3",
            "--delta",
            "1e-5",
            "--json",
            "--dataset-size",
            "60000",
            "--batch-size",
            "256",
            "--epochs",
            "60");
    assertThat(flags.exit()).as(flags.err()).isZero();
    assertThat(flags.json().get("steps").asLong()).isEqualTo(14_063);
    double q = flags.json().get("sampleRate").asDouble();
    double expected = Calibration.dpSgdNoiseMultiplier(q, 14_063, 3, 1e-5, OrderGrid.defaults());
    assertThat(flags.json().get("sigma").asDouble()).isEqualTo(expected);
    Result fraction =
        run(
            "accountant",
            "calibrate",
            "--epsilon",
            "3",
            "--delta",
            "1e-5",
            "--json",
            "--sample-rate",
            "256/60000",
            "--steps",
            "14063");
    assertThat(fraction.json().get("sigma").asDouble()).isEqualTo(expected);
    Result human =
        run(
            "accountant",
            "calibrate",
            "--epsilon",
            "3",
            "--delta",
            "1e-5",
            "--dataset-size",
            "60000",
            "--batch-size",
            "256",
            "--epochs",
            "60");
    assertThat(human.out())
        .startsWith("sigma = ")
        .contains("14063 Poisson-subsampled steps at q=256/60000")
        .contains("ceil(60*60000/256)");
  }

  @Test
  void sampleRate_fractionWhoseNearestDoubleIsBelowIt_isRoundedUp() throws Exception {
    // The nearest double of 1/251 is below it: the accountant gets the next one up.
    assertThat(new BigDecimal(1.0 / 251).multiply(BigDecimal.valueOf(251)))
        .isLessThan(BigDecimal.ONE);
    double q = Math.nextUp(1.0 / 251);
    Result r =
        run(
            "accountant",
            "epsilon",
            "--delta",
            "1e-5",
            "--json",
            "sampled-gaussian:q=1/251,sigma=1.1,steps=5000");
    double expected =
        RdpAccountant.epsilonOf(new SampledGaussianEvent(q, 1.1, 5000), 1e-5, OrderGrid.defaults())
            .epsilon();
    assertThat(r.json().get("epsilon").asDouble()).isEqualTo(expected);
    Result calibrate =
        run(
            "accountant",
            "calibrate",
            "--epsilon",
            "2",
            "--delta",
            "1e-5",
            "--json",
            "--sample-rate",
            "1/251",
            "--steps",
            "5000");
    assertThat(calibrate.json().get("sigma").asDouble())
        .isEqualTo(Calibration.dpSgdNoiseMultiplier(q, 5000, 2, 1e-5, OrderGrid.defaults()));
  }

  @Test
  void sampleRate_badText_exit2_namingTheOptionAndTheForm() {
    String form =
        "must be a rate in (0, 1]: a decimal such as 0.004 or a fraction N/D of whole numbers such"
            + " as 256/60000; got ";
    for (String[] bad :
        new String[][] {
          {"256/0", "'256/0' (zero denominator)"},
          {"0/0", "'0/0' (zero denominator)"},
          {"0", "'0' (outside (0, 1])"},
          {"0/5", "'0/5' (outside (0, 1])"},
          {"0.0e3", "'0.0e3' (outside (0, 1])"},
          {"3/2", "'3/2' (outside (0, 1])"},
          {"1.0000001", "'1.0000001' (outside (0, 1])"},
          {"1e1", "'1e1' (outside (0, 1])"},
          {"abc", "'abc'"},
          {"1/", "'1/'"},
          {"/3", "'/3'"},
          {"-1/3", "'-1/3'"},
          {"1/-3", "'1/-3'"},
          {"-0.5", "'-0.5'"},
          {"1/2/3", "'1/2/3'"},
          {"0.5/1", "'0.5/1'"},
          {"NaN", "'NaN'"},
          {"Infinity", "'Infinity'"},
          {"0x1p-3", "'0x1p-3'"},
          {"1 / 3", "'1 / 3'"},
          {".", "'.'"},
          {"", "''"},
          {"1e-99999", "'1e-99999'"}
        }) {
      assertBad(
          run(
              "accountant",
              "calibrate",
              "--epsilon",
              "1",
              "--delta",
              "1e-5",
              "--sample-rate",
              bad[0],
              "--steps",
              "10"),
          "--sample-rate " + form + bad[1]);
      assertBad(
          run(
              "accountant",
              "epsilon",
              "--delta",
              "1e-5",
              "sampled-gaussian:q=" + bad[0] + ",sigma=1,steps=3"),
          "q " + form + bad[1]);
    }
    // In an event spec a comma separates parameters; as an option value it is malformed.
    assertBad(
        run(
            "accountant",
            "calibrate",
            "--epsilon",
            "1",
            "--delta",
            "1e-5",
            "--sample-rate",
            "0,5",
            "--steps",
            "10"),
        "--sample-rate " + form + "'0,5'");
    assertThat(
            run("accountant", "epsilon", "--delta", "1e-5", "sampled-gaussian:q=1,sigma=1,steps=3")
                .exit())
        .isZero();
    assertThat(
            run(
                    "accountant",
                    "epsilon",
                    "--delta",
                    "1e-5",
                    "sampled-gaussian:q=.5e-2,sigma=1,steps=3")
                .exit())
        .isZero();
  }

  @Test
  void dpSgdFlags_conflictsAndBadValues_exit2_withTheReason() {
    String[] trio = {"--dataset-size", "60000", "--batch-size", "256", "--epochs", "60"};
    String[] calibrate = {"accountant", "calibrate", "--epsilon", "1", "--delta", "1e-5"};
    String[] epsilon = {"accountant", "epsilon", "--delta", "1e-5"};
    String both =
        "give the DP-SGD run either as --sample-rate and --steps, or as --dataset-size,"
            + " --batch-size and --epochs, not both";
    assertBad(run(concat(calibrate, trio, "--sample-rate", "256/60000", "--steps", "14063")), both);
    assertBad(
        run(
            concat(
                calibrate,
                "--sample-rate",
                "256/60000",
                "--dataset-size",
                "60000",
                "--batch-size",
                "256")),
        both);
    assertBad(run(concat(calibrate, "--steps", "14063", "--epochs", "60")), both);
    String together = "--dataset-size, --batch-size and --epochs must be given together";
    assertBad(run(concat(calibrate, "--dataset-size", "60000", "--batch-size", "256")), together);
    assertBad(run(concat(epsilon, "--epochs", "60", "--noise-multiplier", "1.1")), together);
    assertBad(
        run(concat(epsilon, trio)),
        "--noise-multiplier is required with --dataset-size, --batch-size and --epochs");
    assertBad(
        run(concat(epsilon, "--noise-multiplier", "1.1", "gaussian:sigma=1")),
        "--noise-multiplier needs --dataset-size, --batch-size and --epochs");
    assertBad(
        run(concat(epsilon, trio, "--noise-multiplier", "0")),
        "--noise-multiplier must be finite and > 0; got 0.0");
    assertBad(
        run(concat(epsilon, trio, "--noise-multiplier", "NaN")),
        "--noise-multiplier must be finite and > 0; got NaN");
    assertBad(
        run(concat(epsilon)),
        "give at least one EVENT, or --dataset-size, --batch-size, --epochs and"
            + " --noise-multiplier");
    assertBad(
        run(concat(calibrate, "--dataset-size", "100", "--batch-size", "101", "--epochs", "1")),
        "--batch-size must be in [1, --dataset-size = 100]; got 101");
    assertBad(
        run(concat(calibrate, "--dataset-size", "100", "--batch-size", "0", "--epochs", "1")),
        "--batch-size must be in [1, --dataset-size = 100]; got 0");
    assertBad(
        run(concat(calibrate, "--dataset-size", "0", "--batch-size", "1", "--epochs", "1")),
        "--dataset-size must be >= 1; got 0");
    for (String e : new String[] {"0", "-1", "abc", "1/2", "NaN", "0.0"}) {
      assertBad(
          run(concat(calibrate, "--dataset-size", "100", "--batch-size", "10", "--epochs", e)),
          "--epochs must be a decimal number > 0 such as 60 or 2.5; got '" + e + "'");
    }
    assertBad(
        run(concat(calibrate, "--dataset-size", "100", "--batch-size", "1", "--epochs", "1e9999")),
        "--epochs gives steps = ceil(E*N/B) >= 2^53");
    assertBad(
        run(concat(calibrate, "--dataset-size", "1e3", "--batch-size", "1", "--epochs", "1")),
        "--dataset-size");
  }

  private static String[] concat(String[] first, String... rest) {
    String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
    System.arraycopy(rest, 0, all, first.length, rest.length);
    return all;
  }

  private static String[] concat(String[] first, String[] second, String... rest) {
    return concat(concat(first, second), rest);
  }

  @Test
  void epsilon_pldAccountant_printsThePldNumberBelowRdp() throws Exception {
    Result r =
        run(
            "accountant",
            "epsilon",
            "--delta",
            "1e-5",
            "--json",
            "--accountant",
            "pld",
            "sampled-gaussian:q=0.01,sigma=1.0,steps=300");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode j = r.json();
    SampledGaussianEvent event = new SampledGaussianEvent(0.01, 1.0, 300);
    assertThat(j.get("epsilon").asDouble()).isEqualTo(PldAccountant.epsilon(event, 1e-5));
    assertThat(j.get("accountant").asText()).isEqualTo("pld");
    assertThat(j.get("epsilon").asDouble())
        .isLessThan(RdpAccountant.epsilonOf(event, 1e-5, OrderGrid.defaults()).epsilon());
  }

  @Test
  void epsilon_pldWithDpSgdFlags_composesTheRun() throws Exception {
    Result r =
        run(
            "accountant",
            "epsilon",
            "--delta",
            "1e-5",
            "--accountant",
            "pld",
            "--dataset-size",
            "10000",
            "--batch-size",
            "100",
            "--epochs",
            "2",
            "--noise-multiplier",
            "1.0");
    assertThat(r.exit()).as(r.err()).isZero();
    double expected = PldAccountant.epsilon(new SampledGaussianEvent(0.01, 1.0, 200), 1e-5);
    assertThat(r.out())
        .contains("steps = ")
        .contains(String.format(java.util.Locale.ROOT, "epsilon = %.6g", expected))
        .contains("PLD accountant");
  }

  @Test
  void delta_pldAccountant_matchesTheLibrary() throws Exception {
    Result r =
        run(
            "accountant",
            "delta",
            "--epsilon",
            "1",
            "--json",
            "--accountant",
            "pld",
            "gaussian:sigma=2,count=3",
            "laplace:b=10");
    assertThat(r.exit()).as(r.err()).isZero();
    double expected =
        PldAccountant.delta(
            org.privspark.core.accounting.ComposedEvent.of(
                new org.privspark.core.accounting.SelfComposedEvent(
                    GaussianEvent.withNoiseMultiplier(2), 3),
                new LaplaceEvent(10, 1)),
            1);
    assertThat(r.json().get("delta").asDouble()).isEqualTo(expected);
  }

  @Test
  void calibrate_pldAccountant_returnsThePldNoiseMultiplier() throws Exception {
    Result r =
        run(
            "accountant",
            "calibrate",
            "--epsilon",
            "1",
            "--delta",
            "1e-5",
            "--sample-rate",
            "0.01",
            "--steps",
            "100",
            "--accountant",
            "pld",
            "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    double sigma = r.json().get("sigma").asDouble();
    // Meets the target by PLD, and 0.02 % less noise would not (the bisection's 1e-4 bracket).
    assertThat(PldAccountant.epsilon(new SampledGaussianEvent(0.01, sigma, 100), 1e-5))
        .isLessThanOrEqualTo(1.0);
    assertThat(PldAccountant.epsilon(new SampledGaussianEvent(0.01, sigma * (1 - 2e-4), 100), 1e-5))
        .isGreaterThan(1.0);
    assertThat(r.json().get("accountant").asText()).isEqualTo("pld");
  }

  @Test
  void accountantFlag_badValueOrEventWithoutPld_exit2_withTheReason() {
    assertBad(
        run(
            "accountant",
            "epsilon",
            "--delta",
            "1e-5",
            "--accountant",
            "moments",
            "gaussian:sigma=1"),
        "accountant must be one of rdp, pld");
    assertBad(
        run("accountant", "epsilon", "--delta", "1e-5", "--accountant", "pld", "zcdp:rho=0.5"),
        "ZcdpEvent");
  }

  private static void assertBad(Result r, String message) {
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(message);
    assertThat(r.out()).isEmpty();
  }
}
