package org.privspark.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.audit.empirical.PrivacyLossAudit;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.Secret;
import org.privspark.spark.SparkTestSession;
import org.privspark.spark.ml.params.UnitGradient;
import scala.Tuple2;

/**
 * Empirical privacy audit ({@link PrivacyLossAudit}) of one DP-SGD step on Spark, built from the
 * step's own pieces in {@link DpSgd}: Poisson sampling of units ({@link DpSgd#sampled} on the keyed
 * stream of {@link DpSgd#sampleCell}), per-row and per-unit clipping ({@link
 * DpSgd#addUnitGradient}) on the executors, and the step's Gaussian noise ({@link
 * DpSgd#stepMechanism}, {@link DpSgd#noisySum}) on the driver. {@link DpSgd#train} itself draws
 * fresh secrets with {@code Secret.generate()} and runs one Spark job per step and fit, which makes
 * thousands of releases too slow; this test runs the same calls for many releases in one job
 * instead, so it audits the step's mechanism, not {@code train}'s loop around it.
 *
 * <p><b>Neighbours.</b> D: 8 one-feature logistic examples, no intercept, weights 0. D' adds the
 * example x = 100, y = 0, whose gradient (sigmoid(0) − 0)·100 = 50 is fifty times the clip norm C =
 * 1. q = 0.2, z = 2 (σ = 2), one step. The released output is the noisy summed gradient (the model
 * after one step is w₁ = −η·that/(qN), a post-processing). The claim is the plan's ε at δ = 10^-5:
 * {@code SampledGaussianEvent(0.2, 2, 1)}.
 *
 * <p><b>Broken variant: clipping disabled.</b> The same step with clip norm 10^9 in
 * addClippedGradient, while the noise is still that of C = 1. The extra example then moves the sum
 * by 50σ/2 whenever it is sampled (probability q).
 *
 * <p><b>Units of several rows</b> (docs/ML.md, "The privacy unit"). D' adds one unit of K = 10 rows
 * instead, each the example above. Unit-level DP-SGD samples the unit once and adds the mean of its
 * clipped row gradients ({@code unitGradient} "mean", the default) or their sum clipped to C
 * ("sum"): the claim is the same {@code SampledGaussianEvent(0.2, 2, 1)}, now for the unit, and
 * must hold in both modes. Row-level DP-SGD applied to the same data treats the unit's 10 rows as
 * 10 units, each sampled on its own and each moving the sum by C: the unit moves it by Binomial(10,
 * q)·C, and the audit must flag the same claim as exceeded.
 *
 * <p><b>Many releases in one job.</b> Replicate r holds its own copy of the data; its sampling
 * stream is cell {@code sampleCell(r, 0)} of the sampling secret and its noise cell {@code
 * noiseCell(r)} of the noise secret, so the replicates are independent releases (AES-CTR as a
 * pseudorandom function). Replicates 0..n−1 explore, n..2n−1 certify; D and D' use distinct fixed
 * secrets.
 *
 * <p><b>False failures.</b> Fixed secrets, so deterministic. For fresh secrets the correct step is
 * wrongly flagged with probability at most α = 10^-6 (the harness's Clopper–Pearson bound).
 */
class DpSgdStepAuditTest {
  static final double Q = 0.2;
  static final double Z = 2.0;
  static final double CLIP = 1.0;
  static final double DELTA = 1e-5;
  static final int RELEASES = 4_000;
  static final int HEAVY_RELEASES = 40_000;

  static final double[][] D = {
    {0.3, 1}, {-0.8, 0}, {0.5, 1}, {1.0, 1}, {-0.2, 0}, {0.9, 1}, {-1.0, 0}, {0.1, 0}
  };
  static final double[] EXTRA = {100, 0};

  /** Rows of the extra unit in the unit-level cases. */
  static final int K = 10;

  /** What D' adds to D. */
  enum Extra {
    /** Nothing: D itself. */
    NONE,
    /** One one-row unit (the extra example). */
    ROW,
    /** One unit of K copies of the extra example; its contribution per the step's mode. */
    UNIT,
    /** The same K rows, each treated as a unit of its own (row-level mode). */
    ROWS_AS_UNITS
  }

  static DpSgdPlan plan() {
    return new DpSgdPlan(
        Q, Z, CLIP, 1, Math.round(Math.floor(1 / Q)), 1, DELTA, OrderGrid.defaults(), D.length, 0);
  }

  @Test
  void audit_oneStep_clipped_staysWithinClaimedEpsilon() {
    PrivacyLossAudit.Result r = audit("dp-sgd step, clipped", CLIP, RELEASES);
    assertThat(r.epsilonLowerBound()).as("%s", r).isLessThanOrEqualTo(plan().epsilon());
  }

  @Test
  void audit_oneStep_clippingDisabled_isFlagged() {
    PrivacyLossAudit.Result r = audit("dp-sgd step, clipping disabled", 1e9, RELEASES);
    assertThat(r.epsilonLowerBound()).as("%s", r).isGreaterThan(plan().epsilon());
  }

  @Test
  void audit_oneStep_unitOfKRows_meanOfClippedGradients_staysWithinClaimedEpsilon() {
    PrivacyLossAudit.Result r =
        audit("dp-sgd step, unit of 10 rows, mean", CLIP, Extra.UNIT, UnitGradient.MEAN, RELEASES);
    assertThat(r.epsilonLowerBound()).as("%s", r).isLessThanOrEqualTo(plan().epsilon());
  }

  @Test
  void audit_oneStep_unitOfKRows_sumClippedPerUnit_staysWithinClaimedEpsilon() {
    PrivacyLossAudit.Result r =
        audit("dp-sgd step, unit of 10 rows, sum", CLIP, Extra.UNIT, UnitGradient.SUM, RELEASES);
    assertThat(r.epsilonLowerBound()).as("%s", r).isLessThanOrEqualTo(plan().epsilon());
  }

  @Test
  void audit_oneStep_unitOfKRows_rowLevelMode_isFlagged() {
    PrivacyLossAudit.Result r =
        audit(
            "dp-sgd step, 10 rows as 10 units",
            CLIP,
            Extra.ROWS_AS_UNITS,
            UnitGradient.DEFAULT,
            RELEASES);
    assertThat(r.epsilonLowerBound()).as("%s", r).isGreaterThan(plan().epsilon());
  }

  @Test
  @Tag("reliability")
  void audit_oneStep_heavyReleases() {
    List<String> failures = new ArrayList<>();
    PrivacyLossAudit.Result ok = audit("dp-sgd step, clipped", CLIP, HEAVY_RELEASES);
    if (ok.epsilonLowerBound() > plan().epsilon()) {
      failures.add("clipped: " + ok);
    }
    PrivacyLossAudit.Result broken = audit("dp-sgd step, clipping disabled", 1e9, HEAVY_RELEASES);
    if (!(broken.epsilonLowerBound() > plan().epsilon())) {
      failures.add("clipping disabled: " + broken);
    }
    for (UnitGradient mode : UnitGradient.values()) {
      PrivacyLossAudit.Result unit =
          audit(
              "dp-sgd step, unit of 10 rows, " + mode.value(),
              CLIP,
              Extra.UNIT,
              mode,
              HEAVY_RELEASES);
      if (unit.epsilonLowerBound() > plan().epsilon()) {
        failures.add("unit of 10 rows, " + mode.value() + ": " + unit);
      }
    }
    PrivacyLossAudit.Result rows =
        audit(
            "dp-sgd step, 10 rows as 10 units",
            CLIP,
            Extra.ROWS_AS_UNITS,
            UnitGradient.DEFAULT,
            HEAVY_RELEASES);
    if (!(rows.epsilonLowerBound() > plan().epsilon())) {
      failures.add("10 rows as 10 units: " + rows);
    }
    assertThat(failures).isEmpty();
  }

  private static PrivacyLossAudit.Result audit(String name, double clip, int n) {
    return audit(name, clip, Extra.ROW, UnitGradient.DEFAULT, n);
  }

  private static PrivacyLossAudit.Result audit(
      String name, double clip, Extra extra, UnitGradient mode, int n) {
    long start = System.nanoTime();
    double[] onD = steps(Extra.NONE, clip, mode, 2 * n, 0);
    double[] onDPrime = steps(extra, clip, mode, 2 * n, 1);
    PrivacyLossAudit.Result r =
        PrivacyLossAudit.auditSamples(
            Arrays.copyOfRange(onD, 0, n),
            Arrays.copyOfRange(onDPrime, 0, n),
            Arrays.copyOfRange(onD, n, 2 * n),
            Arrays.copyOfRange(onDPrime, n, 2 * n),
            PrivacyLossAudit.Options.of(n, DELTA));
    System.out.printf(
        Locale.ROOT,
        "%-40s claimed eps %.4f delta %s: %s [%.1f s]%n",
        name,
        plan().epsilon(),
        DELTA,
        r,
        (System.nanoTime() - start) / 1e9);
    return r;
  }

  /** {@code replicates} independent noisy one-step gradient sums on D (or D'), in one Spark job. */
  private static double[] steps(
      Extra extra, double clip, UnitGradient mode, int replicates, int dataset) {
    List<Tuple2<Integer, DpSgd.Example[]>> rows = new ArrayList<>();
    for (int rep = 0; rep < replicates; rep++) {
      for (double[] e : D) {
        rows.add(
            new Tuple2<>(rep, new DpSgd.Example[] {new DpSgd.Example(e[1], Vectors.dense(e[0]))}));
      }
      DpSgd.Example x = new DpSgd.Example(EXTRA[1], Vectors.dense(EXTRA[0]));
      switch (extra) {
        case NONE -> {}
        case ROW -> rows.add(new Tuple2<>(rep, new DpSgd.Example[] {x}));
        case UNIT -> {
          DpSgd.Example[] unit = new DpSgd.Example[K];
          Arrays.fill(unit, x);
          rows.add(new Tuple2<>(rep, unit));
        }
        case ROWS_AS_UNITS -> {
          for (int j = 0; j < K; j++) {
            rows.add(new Tuple2<>(rep, new DpSgd.Example[] {x}));
          }
        }
        default -> throw new IllegalStateException();
      }
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    byte[] sampleKey = secret(dataset, 0).bytes();
    Map<Integer, Double> sums =
        JavaPairRDD.fromJavaRDD(jsc.parallelize(rows, 4))
            .groupByKey(4)
            .mapToPair(
                t -> {
                  // Replicate rep's Poisson sample of units and per-unit clipped gradient sum, as
                  // in
                  // DpSgd.stepSum's partitions.
                  double[] acc = new double[1];
                  double[] scratch = new double[1];
                  KeyedStreamSource source =
                      KeyedStreamSource.forCell(
                          Secret.fromBytes(sampleKey), DpSgd.sampleCell(t._1(), 0));
                  for (DpSgd.Example[] unit : t._2()) {
                    if (DpSgd.sampled(Q, source)) {
                      DpSgd.addUnitGradient(
                          new double[1],
                          1,
                          false,
                          unit,
                          DpSgd.Loss.LOGISTIC,
                          clip,
                          mode,
                          acc,
                          scratch);
                    }
                  }
                  return new Tuple2<>(t._1(), acc[0]);
                })
            .collectAsMap();
    GaussianMechanism mechanism = DpSgd.stepMechanism(plan());
    Secret noiseSecret = secret(dataset, 1);
    double[] out = new double[replicates];
    for (int rep = 0; rep < replicates; rep++) {
      out[rep] =
          DpSgd.noisySum(mechanism, new double[] {sums.get(rep)}, noiseSecret, rep).values()[0];
    }
    return out;
  }

  /** A fixed secret per (data set, role): tests may fix secrets. */
  private static Secret secret(int dataset, int role) {
    byte[] b = new byte[Secret.LENGTH];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (31 * i + 11);
    }
    b[0] = (byte) dataset;
    b[1] = (byte) role;
    return Secret.fromBytes(b);
  }
}
