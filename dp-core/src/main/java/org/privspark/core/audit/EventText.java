package org.privspark.core.audit;

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
import org.privspark.core.accounting.ZcdpEvent;

/**
 * A transparent entry's event as one line for a report: the kind and its exact parameters, named as
 * in the entry file (docs/LEDGER-FORMAT.md), for example {@code gaussian(sigma=2.0,
 * l2Sensitivity=1.0)}. A recorded event may hold thousands of parts, so the text stops after {@link
 * #MAX_CHARS} characters with "…": the entry file holds the rest.
 */
final class EventText {
  /** Enough for a composition of a few mechanisms; the report's table stays readable. */
  static final int MAX_CHARS = 200;

  private EventText() {}

  static String of(PrivacyEvent event) {
    StringBuilder s = new StringBuilder();
    append(s, event);
    return s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS) + "…" : s.toString();
  }

  /** Appends {@code e}; stops early once past the limit (the event may be deep and wide). */
  private static void append(StringBuilder s, PrivacyEvent e) {
    if (s.length() > MAX_CHARS) {
      return;
    }
    if (e instanceof GaussianEvent g) {
      s.append("gaussian(sigma=")
          .append(g.sigma())
          .append(", l2Sensitivity=")
          .append(g.l2Sensitivity())
          .append(')');
    } else if (e instanceof LaplaceEvent l) {
      s.append("laplace(scale=")
          .append(l.scale())
          .append(", l1Sensitivity=")
          .append(l.l1Sensitivity())
          .append(')');
    } else if (e instanceof DiscreteGaussianEvent g) {
      s.append("discrete-gaussian(sigma=")
          .append(g.sigma())
          .append(", l2Sensitivity=")
          .append(g.l2Sensitivity())
          .append(')');
    } else if (e instanceof DiscreteLaplaceEvent l) {
      s.append("discrete-laplace(scale=")
          .append(l.scale())
          .append(", l1Sensitivity=")
          .append(l.l1Sensitivity())
          .append(')');
    } else if (e instanceof SampledGaussianEvent g) {
      s.append("sampled-gaussian(sampleRate=")
          .append(g.sampleRate())
          .append(", noiseMultiplier=")
          .append(g.noiseMultiplier())
          .append(", steps=")
          .append(g.steps())
          .append(')');
    } else if (e instanceof PureDpEvent p) {
      s.append("pure(epsilon=").append(p.epsilon()).append(')');
    } else if (e instanceof ZcdpEvent z) {
      s.append("zcdp(rho=").append(z.rho()).append(')');
    } else if (e instanceof ApproximateDpEvent a) {
      s.append("approximate(epsilon=")
          .append(a.epsilon())
          .append(", delta=")
          .append(a.delta())
          .append(')');
    } else if (e instanceof DeltaEvent d) {
      s.append("delta(delta=").append(d.delta()).append(')');
    } else if (e instanceof SelfComposedEvent c) {
      s.append(c.count()).append(" × ");
      append(s, c.event());
    } else if (e instanceof ComposedEvent c) {
      s.append("composed[");
      for (int i = 0; i < c.events().size() && s.length() <= MAX_CHARS; i++) {
        s.append(i == 0 ? "" : ", ");
        append(s, c.events().get(i));
      }
      s.append(']');
    }
  }
}
