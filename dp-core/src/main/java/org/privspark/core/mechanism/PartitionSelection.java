package org.privspark.core.mechanism;

import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.noise.NoiseSource;

/**
 * Private partition selection: decides, from a group's number of distinct privacy units, whether
 * the group may appear in a release, so that groups created by one unit appear with probability at
 * most δ. Immutable and thread-safe; the {@link NoiseSource} is not.
 */
public sealed interface PartitionSelection permits LaplacePartitionSelection, GaussianPartitionSelection {

  /** Whether a group with {@code units} distinct privacy units is released. */
  boolean keep(long units, NoiseSource source);

  /** What the selection costs. */
  PrivacyEvent event();

  /** The threshold on the noisy (pre-threshold-shifted) count, in units. */
  double threshold();
}
