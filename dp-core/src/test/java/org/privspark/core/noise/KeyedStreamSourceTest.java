package org.privspark.core.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

class KeyedStreamSourceTest {
  private static final Secret SECRET = Secret.fromBytes(bytes(32, 3));
  private static final Secret OTHER_SECRET = Secret.fromBytes(bytes(32, 5));

  @Test
  void forCell_sameSecretAndCell_yieldsIdenticalFirst10kLongs() {
    assertThat(longs(KeyedStreamSource.forCell(SECRET, "release-1/group=a/sum"), 10_000))
        .isEqualTo(longs(KeyedStreamSource.forCell(SECRET, "release-1/group=a/sum"), 10_000));
  }

  @Test
  void forCell_stringAndUtf8Bytes_yieldSameStream() {
    String cell = "release-1/größe/sum";
    assertThat(longs(KeyedStreamSource.forCell(SECRET, cell), 100))
        .isEqualTo(
            longs(KeyedStreamSource.forCell(SECRET, cell.getBytes(StandardCharsets.UTF_8)), 100));
  }

  @Test
  void forCell_differentCellsOrSecrets_yieldDifferentStreams() {
    long[] base = longs(KeyedStreamSource.forCell(SECRET, "cell-a"), 1000);
    long[] otherCell = longs(KeyedStreamSource.forCell(SECRET, "cell-b"), 1000);
    long[] otherSecret = longs(KeyedStreamSource.forCell(OTHER_SECRET, "cell-a"), 1000);
    // Any position agreeing would have probability 2^-64 for independent streams.
    for (int i = 0; i < base.length; i++) {
      assertThat(otherCell[i]).isNotEqualTo(base[i]);
      assertThat(otherSecret[i]).isNotEqualTo(base[i]);
    }
  }

  /**
   * Independence of two cells' streams: the popcount of the XOR of paired longs is Binomial(64,
   * 1/2) for independent uniform streams. Chi-square over 200k pairs (tails merged so every bin
   * expects at least 5); threshold p &gt; 1e-4, so a false failure has probability 1e-4 (the secret
   * is fixed, so the outcome is deterministic).
   */
  @Test
  void forCell_differentCells_xorPopcountIsBinomial() {
    KeyedStreamSource a = KeyedStreamSource.forCell(SECRET, "cell-a");
    KeyedStreamSource b = KeyedStreamSource.forCell(SECRET, "cell-b");
    int n = 200_000;
    long[] counts = new long[65];
    for (int i = 0; i < n; i++) {
      counts[Long.bitCount(a.nextLong() ^ b.nextLong())]++;
    }
    BinomialDistribution binomial = new BinomialDistribution(null, 64, 0.5);
    // Bins: ≤ 18, 19 … 45, ≥ 46 (each tail expects about 8 at n = 200k).
    int lo = 18;
    int hi = 46;
    double[] expected = new double[hi - lo + 1];
    long[] observed = new long[hi - lo + 1];
    for (int k = 0; k <= 64; k++) {
      int bin = Math.min(Math.max(k, lo), hi) - lo;
      expected[bin] += n * binomial.probability(k);
      observed[bin] += counts[k];
    }
    assertThat(Arrays.stream(expected).min().getAsDouble()).isGreaterThanOrEqualTo(5);
    assertThat(new ChiSquareTest().chiSquareTest(expected, observed)).isGreaterThan(1e-4);
  }

  /**
   * nextLong(bound) for bound = 3·2^61: a naive {@code x mod bound} would put 3/8 of the mass in
   * each of the first two thirds and 1/4 in the last; Lemire's method gives 1/3 each. Also bound =
   * 10 (ten bins). 300k draws each; threshold p &gt; 1e-4 (false-failure probability 1e-4 per
   * bound; seeded: deterministic).
   */
  @Test
  void nextLong_nonPowerOfTwoBounds_isUniform() {
    KeyedStreamSource source = KeyedStreamSource.forCell(SECRET, "bounded");
    long big = 3L << 61;
    long third = 1L << 61;
    long[] thirds = new long[3];
    long[] tens = new long[10];
    int n = 300_000;
    for (int i = 0; i < n; i++) {
      long x = source.nextLong(big);
      assertThat(x).isBetween(0L, big - 1);
      thirds[(int) (x / third)]++;
      long y = source.nextLong(10);
      tens[(int) y]++;
    }
    double[] e3 = new double[3];
    Arrays.fill(e3, n / 3.0);
    double[] e10 = new double[10];
    Arrays.fill(e10, n / 10.0);
    assertThat(new ChiSquareTest().chiSquareTest(e3, thirds)).isGreaterThan(1e-4);
    assertThat(new ChiSquareTest().chiSquareTest(e10, tens)).isGreaterThan(1e-4);
  }

  @Test
  void nextLong_boundOne_isZero() {
    KeyedStreamSource source = KeyedStreamSource.forCell(SECRET, "one");
    for (int i = 0; i < 100; i++) {
      assertThat(source.nextLong(1)).isZero();
    }
  }

  @Test
  void nextLong_boundZero_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> KeyedStreamSource.forCell(SECRET, "zero").nextLong(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bound must be >= 1; got 0");
  }

  /** The stream equals a slow reference built directly from the JDK: HMAC, SHA-256, AES/ECB. */
  @Test
  void forCell_matchesReferenceConstruction() throws Exception {
    byte[] cell = "reference-cell".getBytes(StandardCharsets.UTF_8);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.bytes(), "HmacSHA256"));
    byte[] key = mac.doFinal("privspark-noise-v1".getBytes(StandardCharsets.US_ASCII));
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update("privspark-cell-v1".getBytes(StandardCharsets.US_ASCII));
    byte[] nonce = Arrays.copyOf(sha.digest(cell), 12);
    Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
    ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
    int blocks = 2000; // spans several refills of growing size
    ByteBuffer keystream = ByteBuffer.allocate(blocks * 16).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < blocks; i++) {
      byte[] counterBlock = Arrays.copyOf(nonce, 16);
      ByteBuffer.wrap(counterBlock, 12, 4).putInt(i);
      keystream.put(ecb.doFinal(counterBlock));
    }
    keystream.flip();
    KeyedStreamSource source = KeyedStreamSource.forCell(SECRET, cell);
    for (int i = 0; i < blocks * 2; i++) {
      assertThat(source.nextLong()).as("long %d", i).isEqualTo(keystream.getLong());
    }
  }

  @Test
  void constructor_startBlock_matchesOffsetIntoStream() {
    byte[] cell = {1, 2, 3};
    KeyedStreamSource fromZero = new KeyedStreamSource(SECRET, cell, 0);
    for (int i = 0; i < 64 * 2; i++) { // 64 blocks of 16 bytes
      fromZero.nextLong();
    }
    KeyedStreamSource fromBlock64 = new KeyedStreamSource(SECRET, cell, 64);
    assertThat(longs(fromBlock64, 5000)).isEqualTo(longs(fromZero, 5000));
  }

  @Test
  void nextLong_pastTwoTo32Blocks_throwsIllegalStateException() {
    // 40 blocks left: the first refill serves 32 blocks (512 bytes), the second the last 8.
    KeyedStreamSource source =
        new KeyedStreamSource(SECRET, new byte[] {9}, KeyedStreamSource.MAX_BLOCKS - 40);
    for (int i = 0; i < 40 * 2; i++) {
      source.nextLong();
    }
    assertThatThrownBy(source::nextLong)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2^32 AES blocks");
  }

  @Test
  void forCell_nullSecret_throwsIllegalArgumentException() {
    assertThatThrownBy(() -> KeyedStreamSource.forCell((Secret) null, "c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret must not be null");
  }

  @Test
  void toString_doesNotRevealKeyOrCell() {
    String text = KeyedStreamSource.forCell(SECRET, "visible-cell").toString();
    assertThat(text).doesNotContain("visible-cell");
  }

  private static long[] longs(NoiseSource source, int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = source.nextLong();
    }
    return out;
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed * 31 + i * 17);
    }
    return b;
  }
}
