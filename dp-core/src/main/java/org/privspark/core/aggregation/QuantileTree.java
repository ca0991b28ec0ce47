package org.privspark.core.aggregation;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongFunction;
import org.privspark.core.Check;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.mechanism.AddedNoise;
import org.privspark.core.mechanism.GaussianMechanism;
import org.privspark.core.mechanism.GridMechanism;
import org.privspark.core.mechanism.LaplaceMechanism;
import org.privspark.core.noise.NoiseSource;

/**
 * Quantiles of one group's values in a public range [lower, upper] from a tree of noisy counts, as
 * Google's differential-privacy library computes them ({@code BoundedQuantiles}, Java; {@code
 * QuantileTree}, C++). The range is cut into b^h equal leaves; a node at depth d (1 ≤ d ≤ h) counts
 * the group's values in its b^(h−d) leaves. Every node except the root gets independent noise; a
 * quantile is found by descending from the root, at each node choosing the child whose noisy
 * cumulative count reaches the rank, and interpolating inside the last node.
 *
 * <p><b>Privacy unit and sensitivity.</b> The caller bounds contributions first: one unit is in at
 * most L0 groups ({@code maxPartitionsContributed}) and keeps at most k rows in each ({@code
 * maxContributionsPerPartition}). Each kept row is counted in exactly one node per depth 1..h (its
 * leaf's ancestors; the root is never released). Adding or removing one unit therefore changes, at
 * each depth, the node counts of one group by at most k in L1 and in L2 (L2 is largest when all k
 * rows share a node), and over L0 groups by at most L0·k in L1 and √L0·k in L2. Summed over the h
 * depths (disjoint coordinates): L1 = h·L0·k and L2 = √(h·L0)·k, rounded up here (exactly computed
 * for L1, each floating-point step rounded up for L2). One unit reaches at most n = h·L0·k node
 * counts, each rounded to the noise grid on its own, so the mechanism is planned for n rounded
 * coordinates ({@link LaplaceMechanism.Builder#maxCoordinatesContributed}); counts are integers,
 * released exactly as fixed-point values ({@link GridMechanism#releaseFixedPoint}).
 *
 * <p><b>Guarantee.</b> Every node count of every group gets noise from {@link #mechanism()}, whose
 * {@link #event()} covers a vector of the stated sensitivity: with Laplace noise, pure ε-DP (at
 * most the requested ε); with Gaussian noise, the discrete Gaussian's zCDP, at most the requested
 * (ε, δ) by the accountant. Which nodes are actually drawn, the descent, the intervals and the
 * post-processing below read only noisy counts and public parameters: post-processing, free. Each
 * node's noise comes from its own {@link NoiseSource}, a pure function of the node's id, so the
 * same node gets the same noisy count in every query, every rank and every retry: the output is a
 * function of one fixed noisy tree, the one the event pays for.
 *
 * <p><b>Post-processing</b> (as Google's {@code BoundedQuantiles.computeQuantileEstimate}): the
 * descent stops at a node whose children's noisy counts sum to ≤ 0 (no signal below), ignores
 * children that contribute less than alpha (default {@value #ALPHA}, {@link Builder#alpha}) of
 * their siblings' noisy total (this also drops negative counts) and stops when no child is left;
 * inside the final node the value is interpolated linearly by the remaining rank. Unlike Google's,
 * ranks are not pulled into [0.005, 0.995].
 *
 * <p><b>Interval (95%, per quantile).</b> See {@link #quantiles}: a bracketing descent with m =
 * b·(2h − 1) noisy counts, each within ±t (t the noise's half-width at level 1 − 0.05/m).
 *
 * <p><b>Reference.</b> Google differential-privacy, {@code
 * java/main/com/google/privacy/differentialprivacy/BoundedQuantiles.java} (the tree, its L1/L2
 * sensitivities and the descent; defaults b = 16, h = 4); Qardaji, Yang &amp; Li, "Understanding
 * Hierarchical Methods for Differentially Private Histograms", PVLDB 6(14), 2013 (hierarchical
 * counts, the choice of b ≈ 16); Hay, Rastogi, Miklau &amp; Suciu, "Boosting the Accuracy of
 * Differentially Private Histograms Through Consistency", PVLDB 3(1), 2010 (the sensitivity of a
 * tree of counts, h per row); Dwork, McSherry, Nissim &amp; Smith, TCC 2006 (Laplace mechanism on a
 * vector, and post-processing).
 *
 * <p>Immutable and thread-safe.
 */
public final class QuantileTree {
  /**
   * Google's ALPHA: by default, children below this fraction of their siblings' noisy total are
   * treated as empty.
   */
  public static final double ALPHA = 0.005;

  /** The confidence level of the intervals. */
  public static final double LEVEL = 0.95;

  /** The most leaves accepted: node ids stay far below 2^63 and leaf edges exact in doubles. */
  public static final long MAX_LEAVES = 1L << 40;

  private static final double TOLERANCE = 1e-6;
  private static final double Z_975 = 1.959963984540054;

  private final double lower;
  private final double upper;
  private final int branching;
  private final int height;
  private final long leaves;
  private final long firstLeaf;
  private final double alpha;
  private final GridMechanism<?, ?> mechanism;

  private QuantileTree(Builder p, long leaves, GridMechanism<?, ?> mechanism) {
    this.lower = p.lower;
    this.upper = p.upper;
    this.branching = p.branchingFactor;
    this.height = p.height;
    this.leaves = leaves;
    this.firstLeaf = (leaves - 1) / (branching - 1);
    this.alpha = p.alpha;
    this.mechanism = mechanism;
  }

  /**
   * A builder; the bounds and one noise ({@code laplace}, {@code gaussian} or {@code
   * gaussianSigma}) are required.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** L1 sensitivity of the vector of all node counts over all groups: h·L0·k, exact. */
  public static double l1Sensitivity(int height, long l0, long k) {
    long v = Math.multiplyExact(Math.multiplyExact((long) height, l0), k);
    if (v > (1L << 53)) {
      throw new IllegalArgumentException(
          "height × maxPartitionsContributed × maxContributionsPerPartition must be at most 2^53;"
              + " got "
              + v);
    }
    return v;
  }

  /** L2 sensitivity of the vector of all node counts over all groups: √(h·L0)·k, rounded up. */
  public static double l2Sensitivity(int height, long l0, long k) {
    long hl0 = Math.multiplyExact((long) height, l0);
    if (hl0 > (1L << 53) || k > (1L << 53)) {
      throw new IllegalArgumentException(
          "height × maxPartitionsContributed and maxContributionsPerPartition must be at most 2^53;"
              + " got "
              + hl0
              + " and "
              + k);
    }
    double x = hl0; // exact
    double r = Math.sqrt(x);
    if (Math.fma(r, r, -x) < 0) {
      r = Math.nextUp(r); // √x was rounded down
    }
    double p = r * k;
    return Math.fma(r, (double) k, -p) > 0 ? Math.nextUp(p) : p;
  }

  /** The mechanism every node count is released with. */
  public GridMechanism<?, ?> mechanism() {
    return mechanism;
  }

  /**
   * What releasing the tree (every node of every group, and so every quantile of it) costs: the
   * mechanism's event for n = h·L0·k rounded coordinates.
   */
  public PrivacyEvent event() {
    return mechanism.event();
  }

  /** The noise added to each node count. */
  public AddedNoise nodeNoise() {
    return mechanism.noise();
  }

  /** b^h, the number of leaves. */
  public long leaves() {
    return leaves;
  }

  /** h·L0·k: node counts one unit can reach, each rounded on its own. */
  public long maxCoordinatesContributed() {
    return mechanism.maxCoordinatesContributed();
  }

  /**
   * The leaf of {@code value}: the value is clamped to [lower, upper] (infinities included) and
   * mapped to the leaf j with edge(j) ≤ v &lt; edge(j + 1) (edge(j) = lower + (upper − lower)·j/b^h
   * as computed in doubles), upper to the last leaf. A public function, the same on every executor.
   *
   * @throws IllegalArgumentException if value is NaN (refuse or drop NaN before the charge)
   */
  public long leafOf(double value) {
    if (Double.isNaN(value)) {
      throw new IllegalArgumentException("value must not be NaN");
    }
    double v = Math.max(lower, Math.min(upper, value));
    if (v >= upper) {
      return leaves - 1;
    }
    long leaf =
        Math.max(
            0, Math.min(leaves - 1, (long) Math.floor((v - lower) / (upper - lower) * leaves)));
    // Agree exactly with edge(): leaf j holds edge(j) ≤ v < edge(j + 1), so C(edge(j)) counts the
    // values below edge(j) (the intervals rely on it), whatever the rounding of the division.
    while (leaf + 1 < leaves && v >= edge(leaf + 1)) {
      leaf++;
    }
    while (leaf > 0 && v < edge(leaf)) {
      leaf--;
    }
    return leaf;
  }

  /** The left edge of leaf {@code j} (j = b^h gives upper). */
  double edge(long j) {
    if (j >= leaves) {
      return upper;
    }
    return lower + (upper - lower) * ((double) j / leaves);
  }

  /**
   * The quantiles of one group at {@code ranks}, from its exact leaf counts.
   *
   * <p><b>Value.</b> The descent of the class comment, on noisy counts drawn lazily: node i's count
   * is released once per call with noise from {@code nodeSource.apply(i)} (nodes numbered breadth
   * first: root 0, children of i are i·b + 1 … i·b + b).
   *
   * <p><b>Interval.</b> Let N be the true count and q the true quantile at rank r, the ⌈rN⌉-th
   * smallest clamped value (the smallest for r = 0), and C(x) the true number of values below a
   * leaf edge x. Event E: each of the noisy counts read below is within ±t of its true count. Then
   * N lies in [N_lo, N_hi] = N̂ ∓ b·t (N̂ the sum of the root's b children). Lower end: descend
   * from the root keeping U, an upper bound on C at the current node's left edge (0 at the root);
   * the children's edges get the bounds U + Σ(noisy + t) of the children before them; take the last
   * edge with bound &lt; r·N_lo, then C(x) &lt; rN ≤ ⌈rN⌉ so q ≥ x; descend into the child that
   * starts there. Upper end: symmetric with lower bounds U − Σ(noisy − t): the first edge whose
   * bound reaches K = max(1, ⌈r·N_hi⌉) ≥ ⌈rN⌉ has at least ⌈rN⌉ values below it, so q ≤ x; descend
   * into the child that ends there. Each descent reads b counts per depth, the root's children
   * shared: m = b(2h − 1) counts. Which counts are read at depth d depends only on noise at depths
   * &lt; d, independent of the noise at depth d, so P(not E) ≤ m·(0.05/m) = 5%: each interval
   * covers its quantile with probability ≥ 95% (per rank, not simultaneously). The interval is
   * widened to contain the value.
   *
   * @param leafCounts the group's exact counts per leaf (leaf index in [0, b^h) → count ≥ 0),
   *     absent leaves count 0; built with {@link #leafOf}
   * @param ranks ranks in [0, 1]
   * @param nodeSource the noise of node i: a fresh source whose stream is a pure function of the
   *     release, the group and i (for example {@code KeyedStreamSource.forCell(key, "q|" + group +
   *     "|" + i)}), never shared between nodes
   * @throws IllegalArgumentException if a rank is outside [0, 1], or (before any noise is drawn) a
   *     leaf index or count is out of range; the message shows neither
   */
  public QuantileEstimate quantiles(
      Map<Long, Long> leafCounts, double[] ranks, LongFunction<NoiseSource> nodeSource) {
    Check.notNull("leafCounts", leafCounts);
    Check.notNull("ranks", ranks);
    Check.notNull("nodeSource", nodeSource);
    for (double r : ranks) {
      Check.inClosed("every rank", r, 0, 1);
    }
    Map<Long, Long> counts = nodeCounts(leafCounts);
    NoisyTree tree = new NoisyTree(counts, nodeSource);
    int m = branching * (2 * height - 1);
    double t = mechanism.noise().halfWidth(1 - (1 - LEVEL) / m);
    double[] value = new double[ranks.length];
    double[] lo = new double[ranks.length];
    double[] hi = new double[ranks.length];
    double[] std = new double[ranks.length];
    for (int i = 0; i < ranks.length; i++) {
      value[i] = estimate(tree, ranks[i]);
      lo[i] = Math.min(value[i], edge(lowerEdge(tree, ranks[i], t)));
      hi[i] = Math.max(value[i], edge(upperEdge(tree, ranks[i], t)));
      std[i] = (hi[i] - lo[i]) / (2 * Z_975);
    }
    return new QuantileEstimate(value, std, lo, hi);
  }

  /** The exact count of every node at depth 1..h with a non-zero count (sparse). */
  private Map<Long, Long> nodeCounts(Map<Long, Long> leafCounts) {
    for (Map.Entry<Long, Long> e : leafCounts.entrySet()) {
      // No value in the messages: leaf indices and counts are private.
      if (e.getKey() == null || e.getKey() < 0 || e.getKey() >= leaves) {
        throw new IllegalArgumentException("every leaf index must be in [0, " + leaves + ")");
      }
      if (e.getValue() == null || e.getValue() < 0) {
        throw new IllegalArgumentException("every leaf count must be >= 0");
      }
    }
    Map<Long, Long> counts = new HashMap<>();
    for (Map.Entry<Long, Long> e : leafCounts.entrySet()) {
      if (e.getValue() == 0) {
        continue;
      }
      for (long node = firstLeaf + e.getKey(); node != 0; node = (node - 1) / branching) {
        counts.merge(node, e.getValue(), Math::addExact);
      }
    }
    return counts;
  }

  /** Google's descent (see the class comment). */
  private double estimate(NoisyTree tree, double rank) {
    long node = 0;
    long start = 0; // first leaf under node
    long width = leaves; // leaves under node
    double r = rank;
    while (width > 1) {
      long first = node * branching + 1;
      double total = 0;
      for (int i = 0; i < branching; i++) {
        total += tree.noisy(first + i);
      }
      if (total <= 0) {
        break; // no signal below this node
      }
      double kept = 0;
      for (int i = 0; i < branching; i++) {
        double c = tree.noisy(first + i);
        kept += c >= total * alpha ? c : 0;
      }
      if (kept <= 0) {
        break;
      }
      long childWidth = width / branching;
      int chosen = -1;
      double partial = 0;
      for (int i = 0; i < branching && chosen < 0; i++) {
        double c = tree.noisy(first + i);
        if (c >= total * alpha) {
          partial += c;
          if (partial / kept >= r - TOLERANCE) {
            r = Math.max(0, Math.min(1, (r - (partial - c) / kept) / (c / kept)));
            chosen = i;
          }
        }
      }
      if (chosen < 0) {
        break;
      }
      node = first + chosen;
      start += chosen * childWidth;
      width = childWidth;
    }
    return (1 - r) * edge(start) + r * edge(start + width);
  }

  /** The last leaf edge x with a certified C(x) &lt; r·N_lo (see {@link #quantiles}). */
  private long lowerEdge(NoisyTree tree, double rank, double t) {
    double target = rank * Math.max(0, tree.levelOneTotal(branching) - branching * t);
    long node = 0;
    long start = 0;
    long width = leaves;
    double bound = 0; // upper bound on C(edge(start))
    if (!(bound < target)) {
      return 0;
    }
    while (width > 1) {
      long first = node * branching + 1;
      long childWidth = width / branching;
      int last = 0;
      double lastBound = bound;
      double u = bound;
      for (int i = 1; i <= branching; i++) {
        u += tree.noisy(first + i - 1) + t;
        if (u < target) {
          last = i;
          lastBound = u;
        }
      }
      if (last == branching) {
        return start + width; // the node's right edge is certified; nothing read beyond it
      }
      node = first + last;
      start += last * childWidth;
      width = childWidth;
      bound = lastBound;
    }
    return start;
  }

  /** The first leaf edge x with a certified C(x) ≥ max(1, ⌈r·N_hi⌉) (see {@link #quantiles}). */
  private long upperEdge(NoisyTree tree, double rank, double t) {
    double needed = Math.max(1, Math.ceil(rank * (tree.levelOneTotal(branching) + branching * t)));
    long node = 0;
    long start = 0;
    long width = leaves;
    double bound = 0; // lower bound on C(edge(start)), below needed
    while (width > 1) {
      long first = node * branching + 1;
      long childWidth = width / branching;
      int found = -1;
      double before = bound;
      double l = bound;
      for (int i = 1; i <= branching && found < 0; i++) {
        double previous = l;
        l += tree.noisy(first + i - 1) - t;
        if (l >= needed) {
          found = i;
          before = previous;
        }
      }
      if (found < 0) {
        return start + width; // certified one level up (or the upper bound itself at the root)
      }
      node = first + found - 1;
      start += (found - 1) * childWidth;
      width = childWidth;
      bound = before;
    }
    return start + width;
  }

  /**
   * The noisy tree of one call: each node's count drawn once, on first use, from its own source.
   */
  private final class NoisyTree {
    private final Map<Long, Long> counts;
    private final LongFunction<NoiseSource> sources;
    private final Map<Long, Double> noisy = new HashMap<>();

    NoisyTree(Map<Long, Long> counts, LongFunction<NoiseSource> sources) {
      this.counts = counts;
      this.sources = sources;
    }

    double noisy(long node) {
      Double v = noisy.get(node);
      if (v == null) {
        NoiseSource source = Check.notNull("nodeSource(node)", sources.apply(node));
        v =
            mechanism
                .releaseFixedPoint(BigInteger.valueOf(counts.getOrDefault(node, 0L)), 0, source)
                .value();
        noisy.put(node, v);
      }
      return v;
    }

    double levelOneTotal(int b) {
      double total = 0;
      for (int i = 1; i <= b; i++) {
        total += noisy(i);
      }
      return total;
    }
  }

  /** Collects parameters; {@link #build()} validates all of them. Not thread-safe. */
  public static final class Builder {
    private double lower = Double.NaN;
    private double upper = Double.NaN;
    // Google's defaults (BoundedQuantiles.DEFAULT_BRANCHING_FACTOR, DEFAULT_TREE_HEIGHT).
    private int branchingFactor = 16;
    private int height = 4;
    // One group per unit and one row per group: the strictest bounding, as Google's Params default.
    private long maxPartitionsContributed = 1;
    private long maxContributionsPerPartition = 1;
    private Double epsilon;
    private Double delta;
    private Double sigma;
    private boolean gaussian;
    private double alpha = ALPHA;

    private Builder() {}

    /**
     * The descent ignores children whose noisy count is below this fraction of their siblings'
     * noisy total, in [0, 1); default {@value QuantileTree#ALPHA} (Google's). 0 ignores only
     * negative counts. Post-processing: it changes accuracy, never privacy. A positive alpha drops
     * sparse but real tails along with noise, which moves every rank (docs/BENCHMARKS.md,
     * "Quantiles: tree against histogram").
     */
    public Builder alpha(double alpha) {
      this.alpha = alpha;
      return this;
    }

    /** The public lower bound, finite and below upper. Required. */
    public Builder lower(double lower) {
      this.lower = lower;
      return this;
    }

    /** The public upper bound, finite and above lower. Required. */
    public Builder upper(double upper) {
      this.upper = upper;
      return this;
    }

    /** b, in [2, 2^16]; default 16. */
    public Builder branchingFactor(int branchingFactor) {
      this.branchingFactor = branchingFactor;
      return this;
    }

    /** h, the depth of the leaves, in [1, 40] with b^h ≤ 2^40; default 4. */
    public Builder height(int height) {
      this.height = height;
      return this;
    }

    /** L0: groups one unit is in, at least 1; default 1. */
    public Builder maxPartitionsContributed(long l0) {
      this.maxPartitionsContributed = l0;
      return this;
    }

    /** k: rows one unit keeps in one group (L∞ of the counts), at least 1; default 1. */
    public Builder maxContributionsPerPartition(long k) {
      this.maxContributionsPerPartition = k;
      return this;
    }

    /** Laplace noise for pure ε-DP, ε in [2^-30, 2^12]. */
    public Builder laplace(double epsilon) {
      this.epsilon = epsilon;
      this.delta = null;
      this.sigma = null;
      this.gaussian = false;
      return this;
    }

    /**
     * Gaussian noise of a given σ per node count, σ &gt; 0 (for a planner that calibrates a common
     * scale across measurements): {@link #event()} is then the discrete Gaussian's at σ for the
     * tree's L2 sensitivity.
     */
    public Builder gaussianSigma(double sigma) {
      this.epsilon = null;
      this.delta = null;
      this.sigma = sigma;
      this.gaussian = true;
      return this;
    }

    /** Gaussian noise calibrated to (ε, δ) by the RDP accountant, ε &gt; 0, δ in (0, 1). */
    public Builder gaussian(double epsilon, double delta) {
      this.epsilon = epsilon;
      this.delta = delta;
      this.sigma = null;
      this.gaussian = true;
      return this;
    }

    /**
     * Validates every parameter and builds the tree and its mechanism.
     *
     * @throws IllegalArgumentException naming the first invalid or missing parameter
     */
    public QuantileTree build() {
      if (!Double.isFinite(lower)
          || !Double.isFinite(upper)
          || !(lower < upper)
          || !Double.isFinite(upper - lower)) {
        throw new IllegalArgumentException(
            "lower and upper must be finite with lower < upper (and a finite width); got ["
                + lower
                + ", "
                + upper
                + "]");
      }
      if (branchingFactor < 2 || branchingFactor > (1 << 16)) {
        throw new IllegalArgumentException(
            "branchingFactor must be in [2, 65536]; got " + branchingFactor);
      }
      if (height < 1 || height > 40) {
        throw new IllegalArgumentException("height must be in [1, 40]; got " + height);
      }
      long leaves = 1;
      for (int i = 0; i < height; i++) {
        leaves *= branchingFactor;
        if (leaves > MAX_LEAVES) {
          throw new IllegalArgumentException(
              "branchingFactor^height must be at most 2^40; got " + branchingFactor + "^" + height);
        }
      }
      Check.inHalfOpen("alpha", alpha, 0, 1);
      Check.atLeastOne("maxPartitionsContributed", maxPartitionsContributed);
      Check.atLeastOne("maxContributionsPerPartition", maxContributionsPerPartition);
      if (epsilon == null && sigma == null) {
        throw new IllegalArgumentException(
            "noise must be set with laplace(epsilon), gaussian(epsilon, delta) or"
                + " gaussianSigma(sigma)");
      }
      long coordinates;
      try {
        coordinates =
            Math.multiplyExact(
                Math.multiplyExact((long) height, maxPartitionsContributed),
                maxContributionsPerPartition);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(
            "height × maxPartitionsContributed × maxContributionsPerPartition must be at most"
                + " 2^53");
      }
      GridMechanism<?, ?> mechanism =
          gaussian
              ? gaussianBuilder()
                  .l2Sensitivity(
                      l2Sensitivity(height, maxPartitionsContributed, maxContributionsPerPartition))
                  .maxCoordinatesContributed(coordinates)
                  .build()
              : LaplaceMechanism.builder()
                  .epsilon(epsilon)
                  .l1Sensitivity(
                      l1Sensitivity(height, maxPartitionsContributed, maxContributionsPerPartition))
                  .maxCoordinatesContributed(coordinates)
                  .build();
      return new QuantileTree(this, leaves, mechanism);
    }

    private GaussianMechanism.Builder gaussianBuilder() {
      return sigma != null
          ? GaussianMechanism.builder().sigma(sigma)
          : GaussianMechanism.builder().epsilon(epsilon).delta(delta);
    }
  }
}
