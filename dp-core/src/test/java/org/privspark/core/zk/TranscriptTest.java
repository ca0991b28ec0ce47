package org.privspark.core.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Challenges are deterministic and change with every input, including framing boundaries. */
class TranscriptTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static BigInteger challenge(String protocol, int version, String[][] absorbs) {
    Transcript t = new Transcript(protocol, version);
    for (String[] a : absorbs) {
      t.absorb(a[0], b(a[1]));
    }
    return t.challengeScalar("c");
  }

  @Test
  void challengeScalar_sameInputs_sameChallenge() {
    String[][] in = {{"x", "1"}, {"y", "2"}};
    assertThat(challenge("p", 1, in)).isEqualTo(challenge("p", 1, in));
  }

  @Test
  void challengeScalar_anyChangeOfProtocolVersionLabelValueOrBoundary_changesChallenge() {
    Set<BigInteger> seen = new HashSet<>();
    seen.add(challenge("p", 1, new String[][] {{"x", "ab"}, {"y", "c"}}));
    seen.add(challenge("q", 1, new String[][] {{"x", "ab"}, {"y", "c"}}));
    seen.add(challenge("p", 2, new String[][] {{"x", "ab"}, {"y", "c"}}));
    seen.add(challenge("p", 1, new String[][] {{"x", "a"}, {"y", "bc"}})); // moved boundary
    seen.add(challenge("p", 1, new String[][] {{"x", "abc"}, {"y", ""}}));
    seen.add(challenge("p", 1, new String[][] {{"xa", "b"}, {"y", "c"}})); // label/value edge
    seen.add(challenge("p", 1, new String[][] {{"y", "c"}, {"x", "ab"}})); // order
    seen.add(challenge("p", 1, new String[][] {{"x", "ab"}, {"z", "c"}}));
    seen.add(challenge("p", 1, new String[][] {{"x", "ab"}}));
    assertThat(seen).hasSize(9);
  }

  @Test
  void challengeScalar_successiveChallenges_differAndStayBelowN() {
    Transcript t = new Transcript("p", 1);
    BigInteger c1 = t.challengeScalar("c");
    BigInteger c2 = t.challengeScalar("c");
    assertThat(c1).isNotEqualTo(c2);
    assertThat(c1).isLessThan(P256.N).isNotNegative();
    assertThat(c2).isLessThan(P256.N).isNotNegative();
  }

  @Test
  void constructorAndAbsorb_badArguments_throw() {
    assertThatThrownBy(() -> new Transcript("p", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version must be >= 1; got 0");
    Transcript t = new Transcript("p", 1);
    assertThatThrownBy(() -> t.absorb("", new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> t.absorb("é", new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
