package org.privspark.core.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bounded search for a committed value: it finds v exactly when |v − guess| ≤ radius (both
 * edges included, on both sides of the guess and across the baby-step table's and the giant steps'
 * boundaries), never a negative value, and nothing under another blinding.
 */
class CommittedValueSearchTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long M = CommittedValueSearch.BABY_STEPS;
  private static final long W = 2 * M + 1;

  private static OptionalLong search(long value, long guess, long radius) {
    PedersenOpening o = PedersenOpening.random(value, RANDOM);
    return CommittedValueSearch.find(o.commitment(), o.blinding(), guess, radius);
  }

  @Test
  void find_valueAtEveryKindOfOffset_isFound() {
    long guess = 1L << 45;
    long radius = 5 * W + 17;
    long[] offsets = {
      0,
      1,
      -1,
      M - 1,
      M,
      M + 1,
      -M,
      -M - 1,
      W - 1,
      W,
      W + 1,
      -W,
      2 * W + M,
      -3 * W - M,
      radius,
      -radius
    };
    for (long e : offsets) {
      assertThat(search(guess + e, guess, radius)).as("offset %d", e).hasValue(guess + e);
    }
  }

  @Test
  void find_justOutsideTheRadius_isEmpty() {
    long guess = 1L << 40;
    for (long radius : new long[] {0, 1, 255, M, W, 3 * W + 5}) {
      assertThat(search(guess + radius + 1, guess, radius))
          .as("radius %d, above", radius)
          .isEmpty();
      assertThat(search(guess - radius - 1, guess, radius))
          .as("radius %d, below", radius)
          .isEmpty();
      assertThat(search(guess + radius, guess, radius))
          .as("radius %d, at the edge", radius)
          .hasValue(guess + radius);
    }
  }

  /**
   * Random values around random guesses; the inputs come from a seeded generator, so a failure
   * repeats.
   */
  @Test
  void find_randomOffsetsWithinTheRadius_areFound() {
    Random r = new Random(12);
    for (int i = 0; i < 30; i++) {
      long guess = r.nextLong() >>> 2;
      long radius = 1 + (r.nextLong() >>> (64 - 24));
      long e = (r.nextLong() % (radius + 1));
      assertThat(search(guess + e, guess, radius))
          .as("guess %d, e %d, radius %d", guess, e, radius)
          .hasValue(guess + e);
    }
  }

  @Test
  void find_neverGivesANegativeValue() {
    // n − 1 is "−1": within one unit of the guess 0 modulo n, but not a value.
    PedersenOpening minusOne = PedersenOpening.of(P256.N.subtract(BigInteger.ONE), BigInteger.TWO);
    assertThat(CommittedValueSearch.find(minusOne.commitment(), BigInteger.TWO, 0, 1000)).isEmpty();
    assertThat(search(0, 3, 1000)).hasValue(0);
  }

  @Test
  void find_withAnotherBlinding_isEmpty() {
    PedersenOpening o = PedersenOpening.random(1000, RANDOM);
    BigInteger other = o.blinding().add(BigInteger.ONE).mod(P256.N);
    assertThat(CommittedValueSearch.find(o.commitment(), other, 1000, 3 * W)).isEmpty();
  }

  @Test
  void find_argumentsOutOfRange_areRefusedNamingThem() {
    PedersenOpening o = PedersenOpening.random(1, RANDOM);
    assertThatThrownBy(
            () ->
                CommittedValueSearch.find(
                    o.commitment(), o.blinding(), 1, CommittedValueSearch.MAX_RADIUS + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("radius");
    assertThatThrownBy(() -> CommittedValueSearch.find(o.commitment(), o.blinding(), -1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("guess");
    assertThatThrownBy(() -> CommittedValueSearch.find(o.commitment(), BigInteger.ZERO, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blinding");
  }
}
