package org.privspark.core.noise;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.privspark.core.Check;

/**
 * The shared machinery of the buffered sources: random bytes arrive in large blocks from {@link
 * #refill()}, and longs and bits are served from the block. Serving 8-byte words from a block of
 * several KiB is what turns a generator that costs microseconds per call into one that costs
 * nanoseconds per long.
 *
 * <p>Not thread-safe.
 */
abstract class BufferedNoiseSource implements NoiseSource {
  private static final VarHandle LONG_VIEW =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private byte[] block = new byte[0];
  private int position;
  private long bits;
  private int bitsLeft;

  /**
   * Returns a block of fresh random bytes whose length is a positive multiple of 8. The returned
   * array is owned by the source and may be the same array every time; it is consumed entirely
   * before the next call.
   */
  abstract byte[] refill();

  @Override
  public final long nextLong() {
    if (position == block.length) {
      block = refill();
      position = 0;
    }
    long value = (long) LONG_VIEW.get(block, position);
    position += Long.BYTES;
    return value;
  }

  @Override
  public final long nextLong(long bound) {
    if (bound < 1) {
      Check.atLeastOne("bound", bound);
    }
    long x = nextLong();
    // The unsigned 128-bit product x * bound; bound > 0, so the signed high word only needs the
    // correction for a negative x (Java 17 has no Math.unsignedMultiplyHigh).
    long high = Math.multiplyHigh(x, bound) + ((x >> 63) & bound);
    long low = x * bound;
    if (Long.compareUnsigned(low, bound) < 0) {
      long threshold = Long.remainderUnsigned(-bound, bound); // 2^64 mod bound
      while (Long.compareUnsigned(low, threshold) < 0) {
        x = nextLong();
        high = Math.multiplyHigh(x, bound) + ((x >> 63) & bound);
        low = x * bound;
      }
    }
    return high;
  }

  /**
   * Bernoulli(n/d) for 0 ≤ n &lt; d ≤ 2^62, exactly. The default decides one random bit at a time
   * (2 bits on average), which suits sources whose bytes are expensive; a source with nearly free
   * bytes overrides this with {@link BernoulliExp#bernoulliByWords}.
   */
  boolean bernoulli(long n, long d) {
    return BernoulliExp.bernoulliByBits(this, n, d);
  }

  @Override
  public final boolean nextBoolean() {
    if (bitsLeft == 0) {
      bits = nextLong();
      bitsLeft = Long.SIZE;
    }
    boolean bit = (bits & 1L) != 0;
    bits >>>= 1;
    bitsLeft--;
    return bit;
  }
}
