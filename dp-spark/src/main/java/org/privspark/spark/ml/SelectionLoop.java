package org.privspark.spark.ml;

import org.privspark.core.noise.GeometricTrials;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.ReleaseKey;

/**
 * The loop of private selection (Papernot &amp; Steinke 2022, Thm. 2, η = 1): K repetitions, each
 * drawing a candidate uniformly and producing a scored output, and only the highest-scoring output
 * kept. All its randomness comes from one release key: K from the cell {@value #REPETITIONS_CELL},
 * repetition r's candidate from the cell {@value #CANDIDATE_CELL} of the part {@code
 * "tuner/repetition/r"}, which the repetition also draws from. Internal to {@link DPTuner}, apart
 * so that the empirical audit runs the same loop around cheap repetitions.
 */
final class SelectionLoop {
  static final String REPETITIONS_CELL = "tuner/repetitions";
  static final String CANDIDATE_CELL = "tuner/candidate";

  private SelectionLoop() {}

  /** One repetition: the drawn candidate's output and its (noisy) score. */
  @FunctionalInterface
  interface Repetition<T> {
    Scored<T> run(int candidate, ReleaseKey part);
  }

  record Scored<T>(T output, double score) {}

  /** The kept output, its candidate and its score: the selection's whole output. */
  record Chosen<T>(T output, int candidate, double score) {}

  /**
   * K ≥ 1, geometric with P[K = k] = γ(1 − γ)^(k−1), from the key's cell: secret, never released.
   */
  static long repetitions(ReleaseKey key, double gamma) {
    return GeometricTrials.sample(gamma, KeyedStreamSource.forCell(key, REPETITIONS_CELL));
  }

  /**
   * Runs {@code repetitions} repetitions over {@code candidates} candidates and keeps the output of
   * the highest score (the earliest on a tie; a NaN score never wins over a number).
   */
  static <T> Chosen<T> run(
      ReleaseKey key, long repetitions, int candidates, Repetition<T> repetition) {
    Chosen<T> best = null;
    for (long r = 0; r < repetitions; r++) {
      ReleaseKey part = key.part("tuner/repetition/" + r);
      int c = (int) KeyedStreamSource.forCell(part, CANDIDATE_CELL).nextLong(candidates);
      Scored<T> s = repetition.run(c, part);
      // A NaN best loses to any number (a NaN compares false both ways).
      if (best == null
          || (Double.isNaN(best.score()) && !Double.isNaN(s.score()))
          || s.score() > best.score()) {
        best = new Chosen<>(s.output(), c, s.score());
      }
    }
    return best;
  }
}
