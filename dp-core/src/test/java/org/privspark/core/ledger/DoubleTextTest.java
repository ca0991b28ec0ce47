package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The canonical text of a double (docs/LEDGER-FORMAT.md §3.1): known answers from RFC 8785 and
 * JDK-4511638 (vectors/double-text/), Java's layout rules, and, on random doubles, the two
 * properties that define it checked against {@link Double#parseDouble} (correctly rounded on every
 * JDK): the text rounds to the double, no text of fewer digits does, and none of as many digits is
 * closer.
 */
class DoubleTextTest {

  private record Row(double value, String second, String canonical) {}

  private static List<Row> rows(String file) throws IOException {
    try (InputStream in =
        DoubleTextTest.class.getResourceAsStream("/vectors/double-text/" + file)) {
      List<String> lines =
          new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
      List<Row> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        rows.add(new Row(Double.longBitsToDouble(Long.parseUnsignedLong(f[0], 16)), f[1], f[2]));
      }
      return rows;
    }
  }

  @Test
  void canonical_rfc8785AppendixB_matchesEveryFiniteRow() throws IOException {
    List<Row> rows = rows("rfc8785-appendix-b.csv");
    assertThat(rows).hasSize(24);
    List<String> failures = new ArrayList<>();
    for (Row r : rows) {
      if (!DoubleText.canonical(r.value()).equals(r.canonical())) {
        failures.add(r + " gave " + DoubleText.canonical(r.value()));
      }
    }
    assertThat(failures).isEmpty();
  }

  /**
   * Ties the canonical column to the RFC's text: the same significant digits and exponent, except
   * where the RFC needs one digit and the Java form may take the closest decimal of two.
   */
  @Test
  void rfc8785Vectors_canonicalColumn_hasTheRfcDigits() throws IOException {
    for (Row r : rows("rfc8785-appendix-b.csv")) {
      BigDecimal rfc = new BigDecimal(r.second().replace("e+", "e")).stripTrailingZeros();
      BigDecimal ours = new BigDecimal(r.canonical()).stripTrailingZeros();
      if (rfc.signum() == 0) {
        assertThat(ours.signum()).as(r.toString()).isZero();
      } else if (rfc.precision() > 1) {
        assertThat(ours).as(r.toString()).isEqualByComparingTo(rfc);
      } else {
        assertThat(ours.precision()).as(r.toString()).isLessThanOrEqualTo(2);
        assertThat(Double.parseDouble(r.canonical())).as(r.toString()).isEqualTo(r.value());
      }
    }
  }

  /**
   * The JDK-4511638 examples: the canonical text, and Java 17's text is a legacy text of the same
   * double.
   */
  @Test
  void canonical_jdk4511638Examples_areTheShortestAndJava17TextIsLegacy() throws IOException {
    List<Row> rows = rows("jdk-4511638.csv");
    long differing = rows.stream().filter(r -> !r.second().equals(r.canonical())).count();
    assertThat(differing).as("rows where Java 17 wrote another text").isEqualTo(8);
    for (Row r : rows) {
      assertThat(DoubleText.canonical(r.value())).as(r.toString()).isEqualTo(r.canonical());
      assertThat(DoubleText.format(new BigDecimal(r.second())))
          .as("Java 17's text has Java's layout")
          .isEqualTo(r.second());
      assertThat(Double.parseDouble(r.second()))
          .as("Java 17's text rounds to the double")
          .isEqualTo(r.value());
    }
  }

  /** The examples of Java's layout rules, one per case. */
  @Test
  void format_eachLayoutCase() {
    assertThat(DoubleText.format(new BigDecimal("123E-5"))).isEqualTo("0.00123");
    assertThat(DoubleText.format(new BigDecimal("1E-3"))).isEqualTo("0.001");
    assertThat(DoubleText.format(new BigDecimal("1E-4"))).isEqualTo("1.0E-4");
    assertThat(DoubleText.format(new BigDecimal("123E2"))).isEqualTo("12300.0");
    assertThat(DoubleText.format(new BigDecimal("123E-1"))).isEqualTo("12.3");
    assertThat(DoubleText.format(new BigDecimal("9999999.5"))).isEqualTo("9999999.5");
    assertThat(DoubleText.format(new BigDecimal("1E7"))).isEqualTo("1.0E7");
    assertThat(DoubleText.format(new BigDecimal("1E23"))).isEqualTo("1.0E23");
    assertThat(DoubleText.format(new BigDecimal("123E-21"))).isEqualTo("1.23E-19");
    assertThat(DoubleText.format(new BigDecimal("-2.50"))).isEqualTo("-2.5");
    assertThat(DoubleText.format(BigDecimal.ZERO)).isEqualTo("0.0");
  }

  @Test
  void canonical_signedZeros() {
    assertThat(DoubleText.canonical(0.0)).isEqualTo("0.0");
    assertThat(DoubleText.canonical(-0.0)).isEqualTo("-0.0");
  }

  @Test
  void canonical_nanOrInfinity_throwsIllegalArgumentException() {
    for (double v : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertThatThrownBy(() -> DoubleText.canonical(v))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("v must be finite");
    }
  }

  /**
   * 100,000 doubles from every part of the range (random bit patterns, subnormals, decimal-looking
   * values, values near powers of ten): each text rounds to its double, has Java's layout, no
   * decimal of fewer digits rounds to the double, and no other decimal of as many digits that
   * rounds to it is closer. Deterministic (fixed seed).
   */
  @Test
  void canonical_randomDoubles_isTheClosestOfTheShortestDecimals() {
    SplittableRandom random = new SplittableRandom(20251);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < 100_000 && failures.size() < 10; i++) {
      double v = sample(random, i);
      String text = DoubleText.canonical(v);
      String why = check(v, text);
      if (why != null) {
        failures.add(Long.toHexString(Double.doubleToRawLongBits(v)) + " " + text + ": " + why);
      }
    }
    assertThat(failures).isEmpty();
  }

  /**
   * Ledgers of versions 1 and 2 hold what the writer's JDK wrote. On the test JVM (Java 17 in CI)
   * every {@code Double.toString} text of 100,000 doubles is a legacy text: Java's layout of a
   * decimal that rounds to the double, so {@link DoubleText#format} of its decimal gives it back.
   */
  @Test
  void legacyRule_acceptsThisJdksDoubleToString() {
    SplittableRandom random = new SplittableRandom(17);
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < 100_000 && refused.size() < 10; i++) {
      double v = sample(random, i);
      String jdk = Double.toString(v);
      if (!DoubleText.format(new BigDecimal(jdk)).equals(jdk) || Double.parseDouble(jdk) != v) {
        refused.add(jdk);
      }
    }
    assertThat(refused).isEmpty();
  }

  private static double sample(SplittableRandom random, int i) {
    double v;
    do {
      v =
          switch (i % 5) {
            case 0 -> Double.longBitsToDouble(random.nextLong());
            case 1 -> Double.longBitsToDouble(random.nextLong() & 0x800fffffffffffffL); // subnormal
            case 2 ->
                Double.parseDouble(random.nextInt(1_000_000) + "e" + (random.nextInt(640) - 330));
            case 3 ->
                Math.pow(10, random.nextInt(600) - 300) * (1 + (random.nextInt(21) - 10) * 0x1p-52);
            default -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
          };
    } while (!Double.isFinite(v) || v == 0);
    return v;
  }

  /** Null if {@code text} is the canonical text of {@code v}, else why not. */
  private static String check(double v, String text) {
    if (Double.parseDouble(text) != v) {
      return "does not round to the double";
    }
    BigDecimal d = new BigDecimal(text);
    if (!DoubleText.format(d).equals(text)) {
      return "not in Java's layout";
    }
    BigDecimal abs = d.abs().stripTrailingZeros();
    int p = abs.precision();
    BigDecimal exact = new BigDecimal(v).abs();
    // Fewer digits: the decimals of p - 1 digits on either side of the double.
    if (p > 1) {
      for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
        BigDecimal shorter = exact.round(new java.math.MathContext(p - 1, mode));
        if (Double.parseDouble(shorter.toString()) == Math.abs(v)
            && !(p == 2 && shorter.precision() == 1)) {
          return "the shorter " + shorter + " rounds to it too";
        }
      }
    }
    // As many digits (two when one would do): the neighbours of the chosen decimal on its grid.
    BigDecimal step = BigDecimal.ONE.scaleByPowerOfTen(-abs.scale() - (p == 1 ? 1 : 0));
    for (BigDecimal other : new BigDecimal[] {abs.subtract(step), abs.add(step)}) {
      if (other.signum() > 0
          && Double.parseDouble(other.toString()) == Math.abs(v)
          && other.subtract(exact).abs().compareTo(abs.subtract(exact).abs()) < 0) {
        return "the closer " + other + " rounds to it too";
      }
    }
    return null;
  }
}
