package org.privspark.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.privspark.core.noise.ReleaseKey;
import org.privspark.core.noise.Secret;

/**
 * Hostile review of issue 17: {@link SelectionLoop}'s Javadoc promises that "a NaN score never wins
 * over a number"; the loop compares {@code s.score() > best.score()}, which is false against a NaN
 * best, so a NaN in the first repetition beats every later number.
 */
class HostileReview17MlSelectionLoopTest {

  @Test
  void run_nanInTheFirstRepetition_doesNotWinOverALaterNumber() {
    Secret secret = Secret.fromBytes(new byte[32]);
    ReleaseKey key = ReleaseKey.of(secret, secret.releaseId());
    double[] scores = {Double.NaN, 1.0, 2.0};
    int[] r = {0};
    SelectionLoop.Chosen<Integer> chosen =
        SelectionLoop.run(
            key,
            scores.length,
            1,
            (candidate, part) -> {
              int i = r[0]++;
              return new SelectionLoop.Scored<>(i, scores[i]);
            });
    assertThat(chosen.score()).isEqualTo(2.0);
    assertThat(chosen.output()).isEqualTo(2);
  }
}
