package org.privspark.core.zk;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.OptionalLong;
import org.bouncycastle.math.ec.ECPoint;
import org.privspark.core.Check;

/**
 * Recovers the value a Pedersen commitment C = v·G + r·H holds from its blinding r and a guess: the
 * v with |v − guess| ≤ radius, if there is one. Ledgers written before costs were rounded up commit
 * to values a little off today's recomputation (docs/LEDGER-FORMAT.md §9.1); their holder and a
 * spot checker know r and the event, so they know the guess but not the value.
 *
 * <p><b>Method.</b> Baby-step giant-step (Shanks) on Q = C − r·H − guess·G = e·G, |e| ≤ radius. The
 * baby steps are one table for every search, built on first use: the x-coordinates of j·G for j in
 * [1, m], m = {@value #BABY_STEPS} (j·G and −j·G share x, so the table covers e ∈ [−m, m]). The
 * giant steps walk outwards from Q, Q ∓ i·w·G with w = 2m + 1, so a value d units from the guess is
 * found after about 2·d/w + 1 steps, and a search that finds nothing costs about 2·radius/w + 1
 * steps. A table hit is confirmed by recomputing the commitment, so a collision of truncated
 * x-coordinates can never give a wrong value.
 *
 * <p>Not constant-time: it works on the opening's own values (docs/ZK.md), and runs where they are
 * known anyway (the holder, or an auditor handed the opening).
 */
public final class CommittedValueSearch {
  /** m: the table holds j·G for j in [1, m]. */
  static final int BABY_STEPS = 1 << 16;

  /** The largest radius searched: 2^36 units, about 2^20 giant steps when nothing is found. */
  public static final long MAX_RADIUS = 1L << 36;

  private static final long WIDTH = 2L * BABY_STEPS + 1;
  // Table entries pack the x-coordinate's low 64 bits, with the low 17 bits replaced by j ≤ 2^16.
  private static final int INDEX_BITS = 17;
  private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

  /** How many giant steps share one batched normalisation (one field inversion). */
  private static final int BATCH = 32;

  private CommittedValueSearch() {}

  /**
   * The value v in [max(0, guess − radius), guess + radius] with v·G + blinding·H = c, or empty
   * when there is none.
   *
   * @param guess where the search starts, ≥ 0
   * @param radius in [0, {@link #MAX_RADIUS}]
   */
  public static OptionalLong find(
      PedersenCommitment c, BigInteger blinding, long guess, long radius) {
    Check.notNull("c", c);
    Check.notNull("blinding", blinding);
    if (blinding.signum() <= 0 || blinding.compareTo(P256.N) >= 0) {
      throw new IllegalArgumentException("blinding must be in [1, n); got a value out of range");
    }
    if (guess < 0 || guess > Long.MAX_VALUE - MAX_RADIUS) {
      throw new IllegalArgumentException("guess must be in [0, 2^63 - 1 - 2^36]; got " + guess);
    }
    if (radius < 0 || radius > MAX_RADIUS) {
      throw new IllegalArgumentException("radius must be in [0, 2^36]; got " + radius);
    }
    ECPoint blinded = Generators.mulH(blinding);
    ECPoint q = c.point().subtract(blinded).subtract(Generators.mulG(BigInteger.valueOf(guess)));
    ECPoint step = Table.STEP;
    // Giant step i looks at e ∈ [i·w − m, i·w + m] (from Q − i·w·G) and its mirror (from Q +
    // i·w·G).
    long lastStep = (radius + BABY_STEPS) / WIDTH;
    ECPoint up = q;
    ECPoint down = q;
    ECPoint[] batch = new ECPoint[2 * BATCH];
    long[] offsets = new long[2 * BATCH];
    for (long i = 0; i <= lastStep; ) {
      int n = 0;
      for (; n + 2 <= batch.length && i <= lastStep; i++) {
        batch[n] = up;
        offsets[n++] = i * WIDTH;
        if (i > 0) {
          batch[n] = down;
          offsets[n++] = -i * WIDTH;
        }
        up = up.subtract(step);
        down = down.add(step);
      }
      ECPoint[] points = Arrays.copyOf(batch, n);
      P256.CURVE.normalizeAll(points);
      for (int k = 0; k < n; k++) {
        OptionalLong v = match(points[k], offsets[k], c, blinded, guess, radius);
        if (v.isPresent()) {
          return v;
        }
      }
    }
    return OptionalLong.empty();
  }

  /** The value, if {@code p} = (e − offset)·G for an e within the radius that opens {@code c}. */
  private static OptionalLong match(
      ECPoint p, long offset, PedersenCommitment c, ECPoint blinded, long guess, long radius) {
    if (p.isInfinity()) {
      return confirm(offset, c, blinded, guess, radius);
    }
    long key = p.getAffineXCoord().toBigInteger().longValue() & ~INDEX_MASK;
    long[] table = Table.PACKED;
    int at = Arrays.binarySearch(table, key);
    for (int k = at >= 0 ? at : -at - 1; k < table.length && (table[k] & ~INDEX_MASK) == key; k++) {
      long j = table[k] & INDEX_MASK;
      for (long e : new long[] {offset + j, offset - j}) {
        OptionalLong v = confirm(e, c, blinded, guess, radius);
        if (v.isPresent()) {
          return v;
        }
      }
    }
    return OptionalLong.empty();
  }

  private static OptionalLong confirm(
      long e, PedersenCommitment c, ECPoint blinded, long guess, long radius) {
    long v = guess + e;
    if (Math.abs(e) > radius || v < 0) {
      return OptionalLong.empty();
    }
    ECPoint opened = Generators.mulG(BigInteger.valueOf(v)).add(blinded);
    return opened.equals(c.point()) ? OptionalLong.of(v) : OptionalLong.empty();
  }

  /** The baby steps, built once per JVM on first use (about 2^16 point additions). */
  private static final class Table {
    static final ECPoint STEP = Generators.mulG(BigInteger.valueOf(WIDTH)).normalize();
    static final long[] PACKED = build();

    private static long[] build() {
      ECPoint[] points = new ECPoint[BABY_STEPS];
      ECPoint p = Generators.G;
      for (int j = 0; j < BABY_STEPS; j++) {
        points[j] = p;
        p = p.add(Generators.G);
      }
      P256.CURVE.normalizeAll(points);
      long[] packed = new long[BABY_STEPS];
      for (int j = 0; j < BABY_STEPS; j++) {
        packed[j] =
            (points[j].getAffineXCoord().toBigInteger().longValue() & ~INDEX_MASK) | (j + 1);
      }
      Arrays.sort(packed);
      return packed;
    }
  }
}
