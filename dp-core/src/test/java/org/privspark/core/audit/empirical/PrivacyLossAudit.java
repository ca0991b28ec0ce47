package org.privspark.core.audit.empirical;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import org.privspark.core.noise.KeyedStreamSource;
import org.privspark.core.noise.NoiseSource;
import org.privspark.core.noise.Secret;

/**
 * An empirical privacy audit of one mechanism on one pair of neighbouring inputs, in the spirit of
 * Google's DP stochastic tester and DP-Auditorium: run the mechanism many times on each input, find
 * the output event that best separates the two, and bound its privacy loss from below with exact
 * binomial confidence bounds.
 *
 * <p><b>Estimate.</b> For an event E, (ε, δ)-DP requires P₁(E) ≤ e^ε·P₂(E) + δ in both directions.
 * From counts the audit computes ε̂(E) = ln((L₁(E) − δ)/U₂(E)), with L₁ a Clopper–Pearson lower
 * bound on P₁(E) and U₂ an upper bound on P₂(E), each at confidence 1 − α/2. When the mechanism is
 * (ε, δ)-DP, both bounds hold together with probability ≥ 1 − α, and then (L₁ − δ)/U₂ ≤ (P₁ − δ)/P₂
 * ≤ e^ε: so P(ε̂ &gt; ε) ≤ α. That α is the audit's false-failure probability; with the fixed seeds
 * of the tests every run is moreover reproducible.
 *
 * <p><b>Which event.</b> Picking the best of many events on the same samples would void that bound,
 * so the audit splits its work: an <em>exploration</em> run (its own samples) scores every
 * candidate event and keeps the one with the largest ε̂; a fresh <em>certification</em> run bounds
 * only that event. Candidates: {v ≥ t} and {v ≤ t} for thresholds at {@value #MAX_THRESHOLDS}
 * evenly spaced pooled quantiles plus the tail quantiles 2^-k and 1 − 2^-k (down to about 32
 * expected hits), and {v = t} when the values take at most {@value #MAX_THRESHOLDS} distinct
 * values, where v is the output mapped through the audit's {@code feature} (the identity, or e.g.
 * the low bits of a double); each in both directions (input 1 against input 2, and back).
 *
 * <p>Not a proof: a low ε̂ shows only that these samples and events found no violation. A high ε̂
 * is a proof, up to α, that the claim is false — the deliberately broken variants in the tests show
 * that the audit has that power.
 *
 * <p><b>Reuse.</b> Test code, published in dp-core's test-jar so that dp-spark's audits share it.
 * {@link #audit(String, Trial, Trial, Options)} draws its own samples; {@link #auditSamples} takes
 * samples the caller produced elsewhere (e.g. one Spark job of many releases), as long as the four
 * arrays are independent samples of the two inputs' outputs.
 */
public final class PrivacyLossAudit {
  static final int MAX_THRESHOLDS = 255;

  /**
   * One run of a mechanism on a fixed input; the mechanism's noise comes only from {@code source}.
   */
  @FunctionalInterface
  public interface Trial {
    double run(NoiseSource source);
  }

  /**
   * How hard to look.
   *
   * @param exploreTrials runs per input for choosing the event
   * @param certifyTrials runs per input for bounding it
   * @param alpha the false-failure probability (see the class comment)
   * @param delta the δ the mechanism claims
   * @param feature what is histogrammed: a function of the output
   */
  public record Options(
      int exploreTrials,
      int certifyTrials,
      double alpha,
      double delta,
      DoubleUnaryOperator feature) {
    public Options {
      if (exploreTrials < 1 || certifyTrials < 1) {
        throw new IllegalArgumentException(
            "trials must be >= 1; got " + exploreTrials + ", " + certifyTrials);
      }
      if (!(alpha > 0 && alpha < 1)) {
        throw new IllegalArgumentException("alpha must be in (0, 1); got " + alpha);
      }
      if (!(delta >= 0 && delta < 1)) {
        throw new IllegalArgumentException("delta must be in [0, 1); got " + delta);
      }
    }

    /** {@code trials} runs per input for each phase, α = 10^-6, the identity feature. */
    public static Options of(int trials, double delta) {
      return new Options(trials, trials, 1e-6, delta, DoubleUnaryOperator.identity());
    }

    public Options withFeature(DoubleUnaryOperator f) {
      return new Options(exploreTrials, certifyTrials, alpha, delta, f);
    }
  }

  /**
   * What an audit found.
   *
   * @param epsilonLowerBound ε̂ of the certified event (−∞ when L₁ ≤ δ)
   * @param event the event, e.g. "v >= 3.5 (input 1 over input 2)"
   * @param hitsNumerator certification runs of the numerator's input in the event
   * @param hitsDenominator certification runs of the other input in the event
   * @param trials certification runs per input
   */
  public record Result(
      double epsilonLowerBound,
      String event,
      long hitsNumerator,
      long hitsDenominator,
      int trials) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "eps_hat=%.4f on %s (%d vs %d of %d runs)",
          epsilonLowerBound,
          event,
          hitsNumerator,
          hitsDenominator,
          trials);
    }
  }

  private enum Kind {
    AT_LEAST,
    AT_MOST,
    EQUAL
  }

  private record Event(Kind kind, double t, boolean firstOverSecond) {
    String description() {
      String op =
          switch (kind) {
            case AT_LEAST -> ">=";
            case AT_MOST -> "<=";
            case EQUAL -> "==";
          };
      return "v "
          + op
          + " "
          + t
          + (firstOverSecond ? " (input 1 over input 2)" : " (input 2 over input 1)");
    }

    /** How many of the sorted {@code values} are in the event. */
    long count(double[] sorted) {
      return switch (kind) {
        case AT_LEAST -> sorted.length - firstAtLeast(sorted, t);
        case AT_MOST -> firstAbove(sorted, t);
        case EQUAL -> firstAbove(sorted, t) - firstAtLeast(sorted, t);
      };
    }
  }

  private static int firstAtLeast(double[] sorted, double t) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] >= t) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  private static int firstAbove(double[] sorted, double t) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] > t) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  private PrivacyLossAudit() {}

  /**
   * Audits {@code first} against {@code second}. The noise sources are AES-CTR keystreams ({@link
   * KeyedStreamSource}) of a fixed secret derived from {@code seed}, one per input and phase, so
   * the audit is reproducible and its noise comes from dp-core's noise package.
   */
  public static Result audit(String seed, Trial first, Trial second, Options options) {
    double[] a =
        sample(first, options.exploreTrials(), source(seed, "explore/1"), options.feature());
    double[] b =
        sample(second, options.exploreTrials(), source(seed, "explore/2"), options.feature());
    double[] a2 =
        sample(first, options.certifyTrials(), source(seed, "certify/1"), options.feature());
    double[] b2 =
        sample(second, options.certifyTrials(), source(seed, "certify/2"), options.feature());
    return certify(a, b, a2, b2, options);
  }

  /**
   * Audits outputs the caller sampled: {@code explore1}/{@code explore2} choose the event, {@code
   * certify1}/{@code certify2} bound it. The four arrays must be independent samples (fresh
   * releases) of input 1's and input 2's outputs, each phase's two arrays of equal length; they are
   * mapped through {@code options.feature()} and not modified. {@code options}' trial counts are
   * ignored: the arrays' lengths are the trials.
   */
  public static Result auditSamples(
      double[] explore1, double[] explore2, double[] certify1, double[] certify2, Options options) {
    if (explore1.length < 1
        || explore1.length != explore2.length
        || certify1.length < 1
        || certify1.length != certify2.length) {
      throw new IllegalArgumentException(
          "samples must be non-empty, each phase's two of equal length; got "
              + explore1.length
              + ", "
              + explore2.length
              + ", "
              + certify1.length
              + ", "
              + certify2.length);
    }
    return certify(
        mapped(explore1, options.feature()),
        mapped(explore2, options.feature()),
        mapped(certify1, options.feature()),
        mapped(certify2, options.feature()),
        options);
  }

  private static Result certify(double[] a, double[] b, double[] a2, double[] b2, Options options) {
    Event best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (Event e : candidates(a, b)) {
      double score = epsilonHat(count(e, a, b, true), count(e, a, b, false), a.length, options);
      if (best == null || score > bestScore) {
        best = e;
        bestScore = score;
      }
    }
    long num = count(best, a2, b2, true);
    long den = count(best, a2, b2, false);
    return new Result(
        epsilonHat(num, den, a2.length, options), best.description(), num, den, a2.length);
  }

  private static double[] mapped(double[] values, DoubleUnaryOperator feature) {
    double[] out = new double[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = feature.applyAsDouble(values[i]);
      if (Double.isNaN(out[i])) {
        throw new IllegalArgumentException("the feature of an output must not be NaN; sample " + i);
      }
    }
    Arrays.sort(out);
    return out;
  }

  /** ln((L(num) − δ)/U(den)), each bound at confidence 1 − α/2. */
  public static double epsilonHat(long num, long den, int trials, Options options) {
    double lower = ClopperPearson.lower(num, trials, options.alpha() / 2) - options.delta();
    if (!(lower > 0)) {
      return Double.NEGATIVE_INFINITY;
    }
    return Math.log(lower / ClopperPearson.upper(den, trials, options.alpha() / 2));
  }

  /** Hits of the event's numerator input (numerator = true) or of its other input. */
  private static long count(Event e, double[] a, double[] b, boolean numerator) {
    return e.count((e.firstOverSecond() == numerator) ? a : b);
  }

  private static List<Event> candidates(double[] a, double[] b) {
    double[] pooled = new double[a.length + b.length];
    System.arraycopy(a, 0, pooled, 0, a.length);
    System.arraycopy(b, 0, pooled, a.length, b.length);
    Arrays.sort(pooled);
    double[] distinct = Arrays.stream(pooled).distinct().toArray();
    boolean discrete = distinct.length <= MAX_THRESHOLDS;
    double[] thresholds;
    if (discrete) {
      thresholds = distinct;
    } else {
      thresholds = new double[MAX_THRESHOLDS];
      for (int i = 0; i < MAX_THRESHOLDS; i++) {
        thresholds[i] = pooled[(int) ((long) (i + 1) * (pooled.length - 1) / (MAX_THRESHOLDS + 1))];
      }
      // Tails, where Gaussian-like mechanisms leak most: quantiles 2^-k and 1 − 2^-k down to
      // about 32 expected hits.
      List<Double> tails = new ArrayList<>();
      for (long k = 2L * (MAX_THRESHOLDS + 1); pooled.length / k >= 32; k *= 2) {
        tails.add(pooled[(int) (pooled.length / k)]);
        tails.add(pooled[(int) (pooled.length - 1 - pooled.length / k)]);
      }
      thresholds =
          java.util.stream.DoubleStream.concat(
                  Arrays.stream(thresholds), tails.stream().mapToDouble(Double::doubleValue))
              .distinct()
              .toArray();
    }
    List<Event> events = new ArrayList<>();
    for (double t : thresholds) {
      for (boolean direction : new boolean[] {true, false}) {
        events.add(new Event(Kind.AT_LEAST, t, direction));
        events.add(new Event(Kind.AT_MOST, t, direction));
        if (discrete) {
          events.add(new Event(Kind.EQUAL, t, direction));
        }
      }
    }
    return events;
  }

  private static double[] sample(
      Trial trial, int n, NoiseSource source, DoubleUnaryOperator feature) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = feature.applyAsDouble(trial.run(source));
      if (Double.isNaN(out[i])) {
        throw new IllegalArgumentException("the feature of an output must not be NaN; run " + i);
      }
    }
    Arrays.sort(out);
    return out;
  }

  /**
   * The keystream of the test secret SHA-256(seed), for cell {@code phase}: fixed, so audits are
   * reproducible.
   */
  public static NoiseSource source(String seed, String phase) {
    try {
      byte[] key =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(seed.getBytes(StandardCharsets.UTF_8));
      return KeyedStreamSource.forCell(
          Secret.fromBytes(key), phase.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }
}
