package org.privspark.core.audit.empirical;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.mechanism.GaussianPartitionSelection;
import org.privspark.core.mechanism.LaplaceMechanism;
import org.privspark.core.mechanism.LaplacePartitionSelection;
import org.privspark.core.mechanism.PartitionSelection;
import org.privspark.core.mechanism.TruncatedGeometricPartitionSelection;
import org.privspark.core.noise.Bernoulli;
import org.privspark.core.noise.NoiseSource;

/**
 * Empirical privacy audits ({@link PrivacyLossAudit}) of dp-core's mechanisms on neighbouring
 * inputs: each correct mechanism's lower bound ε̂ stays at or below its claimed ε, and each
 * deliberately broken variant (noise halved, clamping or clipping disabled, threshold removed) is
 * flagged with ε̂ above the claim — the audit's power.
 *
 * <p><b>False failures.</b> Every audit uses a fixed AES-CTR keystream, so runs are reproducible.
 * For a fresh keystream, a correct mechanism is wrongly flagged with probability at most α = 10^-6
 * per case (Clopper–Pearson, see {@link PrivacyLossAudit}); over the {@value #CORRECT_CASES}
 * correct cases, at most 1.1·10^-5. A broken case can pass (missed detection) only if the audit
 * lacks power; the margins measured are in docs/RELIABILITY.md.
 */
class MechanismAuditTest {
  static final double EPSILON = 1.0;
  static final double DELTA = 1e-5;
  static final int CORRECT_CASES = 11;

  /** Runs per input and phase in the default suite. */
  static final int TRIALS = 40_000;

  /** Runs per input and phase with -Preliability. */
  static final int HEAVY_TRIALS = 400_000;

  /**
   * One audit: a mechanism run on two neighbouring inputs, with its claim.
   *
   * @param broken whether the mechanism is a deliberately broken variant that must be flagged
   * @param trialsFactor how many times the usual trials the case needs
   */
  record Case(
      String name,
      PrivacyLossAudit.Trial first,
      PrivacyLossAudit.Trial second,
      double claimedEpsilon,
      double delta,
      boolean broken,
      int trialsFactor) {
    Case(
        String name,
        PrivacyLossAudit.Trial first,
        PrivacyLossAudit.Trial second,
        double claimedEpsilon,
        double delta,
        boolean broken) {
      this(name, first, second, claimedEpsilon, delta, broken, 1);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> correct() {
    return cases().stream().filter(c -> !c.broken());
  }

  static Stream<Case> broken() {
    return cases().stream().filter(Case::broken);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("correct")
  void audit_correctMechanism_staysWithinClaimedEpsilon(Case c) {
    PrivacyLossAudit.Result r = run(c, TRIALS);
    assertThat(r.epsilonLowerBound())
        .as("%s: %s", c.name(), r)
        .isLessThanOrEqualTo(c.claimedEpsilon());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("broken")
  void audit_brokenMechanism_isFlagged(Case c) {
    PrivacyLossAudit.Result r = run(c, TRIALS);
    assertThat(r.epsilonLowerBound()).as("%s: %s", c.name(), r).isGreaterThan(c.claimedEpsilon());
  }

  @Test
  void cases_countMatchesTheFalseFailureStatement() {
    assertThat(correct().count()).isEqualTo(CORRECT_CASES);
  }

  @Test
  @Tag("reliability")
  void audit_allCases_heavyTrials() {
    List<String> failures = new ArrayList<>();
    for (Case c : cases()) {
      PrivacyLossAudit.Result r = run(c, HEAVY_TRIALS);
      boolean flagged = r.epsilonLowerBound() > c.claimedEpsilon();
      if (flagged != c.broken()) {
        failures.add(c.name() + ": " + r);
      }
    }
    assertThat(failures).isEmpty();
  }

  private static PrivacyLossAudit.Result run(Case c, int trials) {
    PrivacyLossAudit.Result r =
        PrivacyLossAudit.audit(
            c.name(),
            c.first(),
            c.second(),
            PrivacyLossAudit.Options.of(trials * c.trialsFactor(), c.delta()));
    System.out.printf(
        "%-44s claimed eps %.4f delta %s: %s%n", c.name(), c.claimedEpsilon(), c.delta(), r);
    return r;
  }

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    OrderGrid grid = OrderGrid.defaults();

    // Count, Laplace: a count of 100 against 101.
    LaplaceMechanism laplace = LaplaceMechanism.builder().epsilon(EPSILON).l1Sensitivity(1).build();
    double laplaceClaim = laplace.event().pureEpsilon();
    cases.add(
        new Case(
            "count/laplace",
            s -> laplace.release(100, s).value(),
            s -> laplace.release(101, s).value(),
            laplaceClaim,
            0,
            false));
    LaplaceMechanism halfNoise =
        LaplaceMechanism.builder().epsilon(2 * EPSILON).l1Sensitivity(1).build();
    cases.add(
        new Case(
            "count/laplace, noise halved",
            s -> halfNoise.release(100, s).value(),
            s -> halfNoise.release(101, s).value(),
            laplaceClaim,
            0,
            true));

    // Count, Gaussian.
    GaussianMechanism gaussian =
        GaussianMechanism.builder().epsilon(EPSILON).delta(DELTA).l2Sensitivity(1).build();
    double gaussianClaim = epsilonOf(gaussian.event(), DELTA, grid);
    cases.add(
        new Case(
            "count/gaussian",
            s -> gaussian.release(100, s).value(),
            s -> gaussian.release(101, s).value(),
            gaussianClaim,
            DELTA,
            false));
    GaussianMechanism halfSigma =
        GaussianMechanism.builder().sigma(gaussian.sigma() / 2).l2Sensitivity(1).build();
    cases.add(
        new Case(
            "count/gaussian, noise halved",
            s -> halfSigma.release(100, s).value(),
            s -> halfSigma.release(101, s).value(),
            gaussianClaim,
            DELTA,
            true,
            10));

    // Sum of values clamped to [0, 1]: one record of 50 added.
    double[] data = {0.2, 0.7, 0.9, 0.4};
    double[] withOutlier = {0.2, 0.7, 0.9, 0.4, 50.0};
    cases.add(
        new Case(
            "sum/laplace, clamped to [0, 1]",
            s -> laplace.release(clampedSum(data, 1), s).value(),
            s -> laplace.release(clampedSum(withOutlier, 1), s).value(),
            laplaceClaim,
            0,
            false));
    cases.add(
        new Case(
            "sum/laplace, clamping disabled",
            s -> laplace.release(clampedSum(data, 1e9), s).value(),
            s -> laplace.release(clampedSum(withOutlier, 1e9), s).value(),
            laplaceClaim,
            0,
            true));

    // Mean as noisy sum / noisy count, ε/2 each.
    LaplaceMechanism halfEps =
        LaplaceMechanism.builder().epsilon(EPSILON / 2).l1Sensitivity(1).build();
    double meanClaim = 2 * halfEps.event().pureEpsilon();
    double[] halves = {0.5, 0.5, 0.5, 0.5};
    double[] halvesPlusOne = {0.5, 0.5, 0.5, 0.5, 1.0};
    double[] halvesPlusOutlier = {0.5, 0.5, 0.5, 0.5, 50.0};
    cases.add(
        new Case(
            "mean/laplace sum and count, clamped",
            s -> mean(halfEps, halves, 1, s),
            s -> mean(halfEps, halvesPlusOne, 1, s),
            meanClaim,
            0,
            false));
    cases.add(
        new Case(
            "mean/laplace sum and count, clamping disabled",
            s -> mean(halfEps, halves, 1e9, s),
            s -> mean(halfEps, halvesPlusOutlier, 1e9, s),
            meanClaim,
            0,
            true));

    // Partition selection: output 1 when the key is released. A key created by one unit (0 vs 1
    // unit), and a pair of unit counts near the threshold, where the selection is most random.
    LaplacePartitionSelection lps = LaplacePartitionSelection.of(EPSILON, DELTA, 1);
    double lpsClaim = lps.event().epsilon();
    long lpsUnits = Math.round(lps.threshold());
    addSelection(cases, "selection/laplace", lps, lpsClaim, lpsUnits);
    cases.add(
        new Case(
            "selection/laplace, threshold removed",
            s -> keptWithoutThreshold(laplace, 0, s),
            s -> keptWithoutThreshold(laplace, 1, s),
            lpsClaim,
            DELTA,
            true));

    GaussianPartitionSelection gps = GaussianPartitionSelection.of(EPSILON, DELTA, 1, 1);
    long gpsUnits = Math.round(gps.threshold());
    addSelection(cases, "selection/gaussian", gps, EPSILON, gpsUnits);
    GaussianMechanism gpsNoise =
        GaussianMechanism.builder().epsilon(EPSILON).delta(DELTA / 2).l2Sensitivity(1).build();
    cases.add(
        new Case(
            "selection/gaussian, threshold removed",
            s -> keptWithoutThreshold(gpsNoise, 0, s),
            s -> keptWithoutThreshold(gpsNoise, 1, s),
            EPSILON,
            DELTA,
            true));

    TruncatedGeometricPartitionSelection tg =
        TruncatedGeometricPartitionSelection.of(EPSILON, DELTA, 1);
    long tgUnits = 1;
    while (tg.keepProbability(tgUnits) < 0.5) {
      tgUnits++;
    }
    addSelection(cases, "selection/truncated-geometric", tg, EPSILON, tgUnits);
    long ramp = tgUnits;
    // Broken: the first phase (the δ-sized ramp) skipped, so one unit is kept as if it were many.
    cases.add(
        new Case(
            "selection/truncated-geometric, threshold removed",
            s -> indicator(false),
            s -> indicator(Bernoulli.sample(tg.keepProbability(ramp), s)),
            EPSILON,
            DELTA,
            true));

    // One DP-SGD step: Poisson-subsampled sum of clipped scalars plus Gaussian noise.
    double q = 0.2;
    double multiplier = 1.0;
    GaussianMechanism stepNoise =
        GaussianMechanism.builder().sigma(multiplier).l2Sensitivity(1).build();
    double sgdClaim = epsilonOf(new SampledGaussianEvent(q, multiplier, 1), DELTA, grid);
    double[] batch = {0.3, -0.8, 0.5, 1.0, -0.2, 0.9, -1.0, 0.1};
    double[] batchPlus = {0.3, -0.8, 0.5, 1.0, -0.2, 0.9, -1.0, 0.1, 1.0};
    double[] batchPlusOutlier = {0.3, -0.8, 0.5, 1.0, -0.2, 0.9, -1.0, 0.1, 100.0};
    cases.add(
        new Case(
            "dp-sgd step/subsampled gaussian, clipped",
            s -> sgdStep(stepNoise, batch, q, 1, s),
            s -> sgdStep(stepNoise, batchPlus, q, 1, s),
            sgdClaim,
            DELTA,
            false));
    cases.add(
        new Case(
            "dp-sgd step/subsampled gaussian, clipping disabled",
            s -> sgdStep(stepNoise, batch, q, 1e9, s),
            s -> sgdStep(stepNoise, batchPlusOutlier, q, 1e9, s),
            sgdClaim,
            DELTA,
            true));
    return cases;
  }

  private static void addSelection(
      List<Case> cases, String name, PartitionSelection sel, double claim, long units) {
    cases.add(
        new Case(
            name + ", 0 vs 1 unit",
            s -> indicator(sel.keep(0, s)),
            s -> indicator(sel.keep(1, s)),
            claim,
            DELTA,
            false));
    cases.add(
        new Case(
            name + ", " + units + " vs " + (units + 1) + " units",
            s -> indicator(sel.keep(units, s)),
            s -> indicator(sel.keep(units + 1, s)),
            claim,
            DELTA,
            false));
  }

  private static double indicator(boolean kept) {
    return kept ? 1 : 0;
  }

  /** The broken selection: a key is kept when its noisy unit count exceeds 1/2, no δ-threshold. */
  private static double keptWithoutThreshold(
      org.privspark.core.mechanism.GridMechanism<?, ?> m, long units, NoiseSource s) {
    if (units == 0) {
      return 0; // an absent key is never output
    }
    return m.release(units, s).value() > 0.5 ? 1 : 0;
  }

  private static double clampedSum(double[] values, double bound) {
    double sum = 0;
    for (double v : values) {
      sum += Math.max(-bound, Math.min(bound, v));
    }
    return sum;
  }

  private static double mean(LaplaceMechanism m, double[] values, double bound, NoiseSource s) {
    double noisySum = m.release(clampedSum(values, bound), s).value();
    double noisyCount = m.release(values.length, s).value();
    return noisySum / Math.max(1, noisyCount);
  }

  private static double sgdStep(
      GaussianMechanism noise, double[] values, double q, double clip, NoiseSource s) {
    double sum = 0;
    for (double v : values) {
      if (Bernoulli.sample(q, s)) {
        sum += Math.max(-clip, Math.min(clip, v));
      }
    }
    return noise.release(sum, s).value();
  }

  private static double epsilonOf(PrivacyEvent event, double delta, OrderGrid grid) {
    return RdpAccountant.epsilonOf(event, delta, grid).epsilon();
  }
}
