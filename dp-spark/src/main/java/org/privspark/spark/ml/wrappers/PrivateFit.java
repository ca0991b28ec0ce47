package org.privspark.spark.ml.wrappers;

import org.privspark.core.Check;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.RdpAccountant;

/**
 * What a private wrapper's {@code fit} returns: MLlib's own model, trained on noisy sufficient
 * statistics (or with its output perturbed), and the privacy event that was charged for it.
 *
 * @param model the MLlib model; every value in it is post-processing of the noisy releases
 * @param event exactly the event charged to the budget (once, before any data was read)
 * @param delta the δ at which {@link #epsilon()} reads the event (the wrapper's target δ; 0 for
 *     a pure-DP wrapper)
 * @param <M> the MLlib model class
 */
public record PrivateFit<M>(M model, PrivacyEvent event, double delta) {
  public PrivateFit {
    Check.notNull("model", model);
    Check.notNull("event", event);
    Check.inHalfOpen("delta", delta, 0.0, 1.0);
  }

  /**
   * The ε of {@link #event()} at {@link #delta()}, as the RDP accountant on the default order grid
   * certifies it (for a pure-DP event, its pure ε). Never above the wrapper's requested ε.
   */
  public double epsilon() {
    return guarantee().epsilon();
  }

  /** The full (ε, δ) guarantee of {@link #event()} at {@link #delta()} on the default grid. */
  public PrivacyGuarantee guarantee() {
    return RdpAccountant.epsilonOf(event, delta, OrderGrid.defaults());
  }
}
