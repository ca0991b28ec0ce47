package org.privspark.core.accounting.pld;

import org.privspark.core.Check;
import org.privspark.core.accounting.ApproximateDpEvent;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.DeltaEvent;
import org.privspark.core.accounting.DiscreteGaussianEvent;
import org.privspark.core.accounting.DiscreteLaplaceEvent;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PureDpEvent;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.SelfComposedEvent;

/**
 * A discretised, pessimistic privacy loss distribution (PLD) of a mechanism's dominating pair, kept
 * for both directions of the add/remove relation where they differ (the remove direction: P = the
 * output on the dataset with the unit, Q = without it; the add direction: the reverse). Every
 * reported value is the worse of the two.
 *
 * <p><b>Guarantee.</b> {@link #delta}(ε) is never below the exact δ(ε) of the mechanism (the
 * hockey-stick divergence of its pair; for compositions, of the composed pairs, Zhu, Dong &amp;
 * Wang 2022, "Optimal Accounting of Differential Privacy via Characteristic Function", Thm. 10):
 * losses are rounded up to the grid, the truncated upper tail is put at +∞ and the lower tail on
 * the lowest point (Meiser &amp; Mohammadi 2018, "Tight on Budget?", §5; Koskela, Jälkö &amp;
 * Honkela 2020, "Computing Tight Differential Privacy Guarantees Using FFT", §3), and the
 * floating-point error of building and composing (FFT included) is bounded in the ℓ1 norm and added
 * to δ. {@link #epsilon}(δ) is the smallest ε whose so-bounded δ is at most δ.
 *
 * <p><b>Reference.</b> The algorithm follows Koskela et al. 2020 and Google's dp_accounting ({@code
 * privacy_loss_distribution.py}, pessimistic estimate). Proof and each mechanism's PLD:
 * docs/ACCOUNTING.md, "PLD accounting".
 *
 * <p>Immutable and thread-safe. Pure Java with StrictMath: bit-identical results on every JVM, so
 * an auditor recomputes a ledger's costs exactly.
 */
public final class PrivacyLossDistribution {
  private final PldSettings settings;
  private final LossPmf remove;
  private final LossPmf add;

  private PrivacyLossDistribution(PldSettings settings, LossPmf remove, LossPmf add) {
    this.settings = settings;
    this.remove = remove;
    this.add = add;
  }

  private static PrivacyLossDistribution symmetric(PldSettings settings, LossPmf pmf) {
    return new PrivacyLossDistribution(settings, pmf, pmf);
  }

  /**
   * The PLD of {@code event}.
   *
   * @param event a Gaussian, Laplace, Poisson-subsampled Gaussian, discrete Gaussian, discrete
   *     Laplace, pure-DP, (ε, δ) or δ event, or a (self-)composition of them
   * @param settings the discretisation
   * @return the PLD
   * @throws UnsupportedPldException for any other event (a zCDP event, for one), naming its kind
   * @throws IllegalArgumentException if the settings need too many grid points for the event, or if
   *     its parameters are so extreme that the normal CDFs it needs cannot be evaluated
   */
  public static PrivacyLossDistribution of(PrivacyEvent event, PldSettings settings) {
    Check.notNull("event", event);
    Check.notNull("settings", settings);
    try {
      return build(event, settings);
    } catch (ArithmeticException notConverged) {
      // LogMath's erfc continued fraction does not converge at some extreme arguments (q near 1
      // with huge noise): refuse like any other bad parameter, so a budget refuses before charging.
      throw new IllegalArgumentException(
          "cannot compute the privacy loss distribution of "
              + event
              + " (parameters too extreme for the PLD accountant: "
              + notConverged.getMessage()
              + "); use other parameters or an RDP ledger",
          notConverged);
    }
  }

  private static PrivacyLossDistribution build(PrivacyEvent event, PldSettings settings) {
    if (event instanceof GaussianEvent e) {
      return symmetric(settings, MechanismPmfs.gaussian(e.sigma(), e.l2Sensitivity(), settings));
    }
    if (event instanceof LaplaceEvent e) {
      return symmetric(settings, MechanismPmfs.laplace(e.scale(), e.l1Sensitivity(), settings));
    }
    if (event instanceof SampledGaussianEvent e) {
      return sampledGaussianStep(e.sampleRate(), e.noiseMultiplier(), settings)
          .selfCompose(e.steps());
    }
    if (event instanceof DiscreteGaussianEvent e) {
      return symmetric(
          settings, MechanismPmfs.discreteGaussian(e.sigma(), e.l2Sensitivity(), settings));
    }
    if (event instanceof DiscreteLaplaceEvent e) {
      return symmetric(
          settings, MechanismPmfs.discreteLaplace(e.scale(), e.l1Sensitivity(), settings));
    }
    if (event instanceof PureDpEvent e) {
      return symmetric(settings, MechanismPmfs.pureOrApproximate(e.epsilon(), 0, settings));
    }
    if (event instanceof ApproximateDpEvent e) {
      return symmetric(settings, MechanismPmfs.pureOrApproximate(e.epsilon(), e.delta(), settings));
    }
    if (event instanceof DeltaEvent e) {
      return symmetric(settings, MechanismPmfs.deltaOnly(e.delta(), settings));
    }
    if (event instanceof ComposedEvent e) {
      PrivacyLossDistribution result = null;
      for (PrivacyEvent part : e.events()) {
        PrivacyLossDistribution pld = build(part, settings);
        result = result == null ? pld : result.compose(pld);
      }
      return result;
    }
    if (event instanceof SelfComposedEvent e) {
      return build(e.event(), settings).selfCompose(e.count());
    }
    throw new UnsupportedPldException(event.getClass().getSimpleName());
  }

  /** One step of DP-SGD: q = 0 costs nothing, q = 1 is the plain Gaussian. */
  private static PrivacyLossDistribution sampledGaussianStep(
      double q, double sigma, PldSettings settings) {
    if (q == 0) {
      return symmetric(
          settings,
          LossPmf.identity(settings.valueDiscretizationInterval(), settings.tailMassTruncation()));
    }
    if (q == 1) {
      return symmetric(settings, MechanismPmfs.gaussian(sigma, 1, settings));
    }
    return new PrivacyLossDistribution(
        settings,
        MechanismPmfs.sampledGaussianRemove(q, sigma, settings),
        MechanismPmfs.sampledGaussianAdd(q, sigma, settings));
  }

  /**
   * The composition of this PLD with {@code other} (the two releases run one after the other, the
   * second possibly chosen from the first's output): the loss distributions are convolved by FFT,
   * direction by direction.
   *
   * @param other a PLD with the same settings
   * @return the composition
   * @throws IllegalArgumentException if the settings differ
   */
  public PrivacyLossDistribution compose(PrivacyLossDistribution other) {
    Check.notNull("other", other);
    if (!settings.equals(other.settings)) {
      throw new IllegalArgumentException(
          "other must have the same settings; got " + other.settings + ", expected " + settings);
    }
    LossPmf r = remove.compose(other.remove);
    if (remove == add && other.remove == other.add) {
      return symmetric(settings, r);
    }
    return new PrivacyLossDistribution(settings, r, add.compose(other.add));
  }

  /**
   * This PLD composed with itself {@code times} times, by repeated squaring (about 2·log₂ times FFT
   * convolutions).
   *
   * @param times how many times, &ge; 1
   * @return the self-composition
   */
  public PrivacyLossDistribution selfCompose(long times) {
    Check.atLeastOne("times", times);
    LossPmf r = remove.selfCompose(times);
    if (remove == add) {
      return symmetric(settings, r);
    }
    return new PrivacyLossDistribution(settings, r, add.selfCompose(times));
  }

  /**
   * The smallest ε (rounded up) for which the mechanism is (ε, δ)-DP by this PLD.
   *
   * @param delta δ in (0, 1)
   * @return ε &ge; 0, or +∞ if the infinite-loss mass alone exceeds δ
   */
  public double epsilon(double delta) {
    Check.inOpen("delta", delta, 0.0, 1.0);
    double e = remove.epsilon(delta);
    return remove == add ? e : Math.max(e, add.epsilon(delta));
  }

  /**
   * The δ (rounded up) for which the mechanism is (ε, δ)-DP by this PLD.
   *
   * @param epsilon ε &ge; 0, finite
   * @return δ in [0, 1]
   */
  public double delta(double epsilon) {
    Check.nonNegativeFinite("epsilon", epsilon);
    double d = remove.delta(epsilon);
    if (remove != add) {
      d = Math.max(d, add.delta(epsilon));
    }
    return Math.min(1, d);
  }

  /**
   * The settings this PLD was built with.
   *
   * @return the settings
   */
  public PldSettings settings() {
    return settings;
  }

  /**
   * The number of grid points held (both directions), a measure of the memory and time it costs.
   *
   * @return the number of finite-loss masses
   */
  public int size() {
    return remove == add ? remove.masses.length : remove.masses.length + add.masses.length;
  }

  @Override
  public String toString() {
    return "PrivacyLossDistribution[" + settings + ", points=" + size() + "]";
  }
}
