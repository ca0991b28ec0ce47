package org.privspark.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivateSelectionEvent;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.audit.empirical.PrivacyLossAudit;
import org.privspark.core.mechanism.LaplaceMechanism;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;

/**
 * Empirical audit ({@link PrivacyLossAudit}, docs/RELIABILITY.md check 7) of {@link DPTuner}'s
 * selection: the tuner's own loop ({@link SelectionLoop}: K from the release key, a uniform
 * candidate per repetition, the best noisy score kept) around cheap repetitions, so that tens of
 * thousands of selections run in seconds. A repetition of candidate j "trains" a noisy count of the
 * data (LaplaceMechanism at ε_j, the model) and scores it with the tuner's score mechanism
 * (LaplaceMechanism at scoreEpsilon on a sum of sensitivity 1, here the count itself). The
 * neighbours are counts c = 100 and c + 1: the extra unit moves the model and the score, as a unit
 * in both the training and the validation part would (the charged event composes both). The release
 * is the chosen (model, score); the audit reads the model or the score.
 *
 * <p>The claim is the ε at δ = 10^-5 of the {@link PrivateSelectionEvent} the tuner would charge:
 * candidates' events (each training event composed with the score's), η = 1, E[K] = 10. Broken
 * variants (each must be flagged against its claim): K fixed at 10 and charged as one repetition
 * (the usual "best of the grid" mistake), and the score released without noise.
 *
 * <p><b>False failures.</b> Every release's key comes from a fixed keystream, so the run is
 * deterministic; over fresh secrets a correct case is flagged with probability at most α = 10^-6.
 */
class SelectionAuditTest {
  private static final double DELTA = 1e-5;
  private static final double[] TRAIN_EPSILONS = {0.25, 0.5, 0.5};
  private static final double SCORE_EPSILON = 0.5;
  private static final double EXPECTED_REPETITIONS = 10;
  private static final int COUNT = 100;

  private static final LaplaceMechanism SCORE =
      LaplaceMechanism.builder().epsilon(SCORE_EPSILON).l1Sensitivity(1).build();

  private static final LaplaceMechanism[] TRAIN =
      java.util.Arrays.stream(TRAIN_EPSILONS)
          .mapToObj(e -> LaplaceMechanism.builder().epsilon(e).l1Sensitivity(1).build())
          .toArray(LaplaceMechanism[]::new);

  private static LaplaceMechanism train(int candidate) {
    return TRAIN[candidate];
  }

  /** The selection the tuner would charge for these candidates. */
  private static PrivateSelectionEvent honestEvent() {
    List<PrivacyEvent> events =
        java.util.stream.IntStream.range(0, TRAIN_EPSILONS.length)
            .mapToObj(j -> (PrivacyEvent) train(j).event().and(SCORE.event()))
            .distinct()
            .toList();
    return PrivateSelectionEvent.geometric(events, EXPECTED_REPETITIONS);
  }

  private static double epsilon(PrivacyEvent e) {
    return RdpAccountant.epsilonOf(e, DELTA, OrderGrid.defaults()).epsilon();
  }

  /** A release key per selection, from the audit's keystream. */
  private static ReleaseKey key(NoiseSource source) {
    byte[] bytes = new byte[Secret.LENGTH];
    for (int i = 0; i < bytes.length; i += 8) {
      long word = source.nextLong();
      for (int b = 0; b < 8; b++) {
        bytes[i + b] = (byte) (word >>> (8 * b));
      }
    }
    Secret secret = Secret.fromBytes(bytes);
    return ReleaseKey.of(secret, secret.releaseId());
  }

  /** One selection on count {@code c}; K from the key (honest) or fixed. */
  private static SelectionLoop.Chosen<Double> select(
      int c, ReleaseKey key, Long fixedK, boolean noisyScore) {
    long k = fixedK != null ? fixedK : SelectionLoop.repetitions(key, 1 / EXPECTED_REPETITIONS);
    return SelectionLoop.run(
        key,
        k,
        TRAIN_EPSILONS.length,
        (j, part) -> {
          double model = train(j).release(c, KeyedStreamSource.forCell(part, "model")).value();
          double score =
              noisyScore
                  ? SCORE.release(c, KeyedStreamSource.forCell(part, DPTuner.SCORE_CELL)).value()
                  : c;
          return new SelectionLoop.Scored<>(model, score);
        });
  }

  private static double[] releases(
      String seed,
      String phase,
      int c,
      int n,
      Long fixedK,
      boolean noisyScore,
      ToDoubleFunction<SelectionLoop.Chosen<Double>> read) {
    NoiseSource source = PrivacyLossAudit.source(seed, phase);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = read.applyAsDouble(select(c, key(source), fixedK, noisyScore));
    }
    return out;
  }

  private static PrivacyLossAudit.Result audit(
      String seed,
      int n,
      Long fixedK,
      boolean noisyScore,
      ToDoubleFunction<SelectionLoop.Chosen<Double>> read) {
    return PrivacyLossAudit.auditSamples(
        releases(seed, "explore/1", COUNT + 1, n, fixedK, noisyScore, read),
        releases(seed, "explore/2", COUNT, n, fixedK, noisyScore, read),
        releases(seed, "certify/1", COUNT + 1, n, fixedK, noisyScore, read),
        releases(seed, "certify/2", COUNT, n, fixedK, noisyScore, read),
        PrivacyLossAudit.Options.of(n, DELTA));
  }

  private static void runAll(int n) {
    double claim = epsilon(honestEvent());
    PrivacyLossAudit.Result model = audit("selection/model", n, null, true, r -> r.output());
    PrivacyLossAudit.Result score = audit("selection/score", n, null, true, r -> r.score());
    System.out.printf(
        java.util.Locale.ROOT,
        "claim %.4f; honest model %s; honest score %s%n",
        claim,
        model,
        score);
    assertThat(model.epsilonLowerBound()).isLessThanOrEqualTo(claim);
    assertThat(score.epsilonLowerBound()).isLessThanOrEqualTo(claim);

    // Broken: the best of a fixed 10 repetitions, charged as one repetition.
    double oneRun = epsilon(train(1).event().and(SCORE.event()));
    PrivacyLossAudit.Result fixed = audit("selection/fixedK", n, 10L, true, r -> r.score());
    System.out.printf(java.util.Locale.ROOT, "broken fixed K=10: claim %.4f; %s%n", oneRun, fixed);
    assertThat(fixed.epsilonLowerBound()).isGreaterThan(oneRun);

    // Broken: the score released without noise.
    PrivacyLossAudit.Result exact = audit("selection/exactScore", n, null, false, r -> r.score());
    System.out.printf(java.util.Locale.ROOT, "broken exact score: claim %.4f; %s%n", claim, exact);
    assertThat(exact.epsilonLowerBound()).isGreaterThan(claim);
  }

  @Test
  void audit_selection_withinClaim_brokenVariantsFlagged() {
    runAll(10_000);
  }

  @Tag("reliability")
  @Test
  void audit_selection_heavyReleases() {
    runAll(100_000);
  }
}
