package org.privspark.core.ledger.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * Works out which subtree hashes an inclusion or consistency proof needs (RFC 9162 sections 2.1.3.1
 * and 2.1.4.1), and nothing else: the hashes come from a {@link RangeHasher}.
 */
final class ProofPaths {
  /** The hash of the leaves [start, end) of a node of the tree. */
  @FunctionalInterface
  interface RangeHasher {
    byte[] hash(long start, long end);
  }

  private ProofPaths() {}

  /** PATH(m, D[0:n]), bottom-up. Requires 0 <= m < n. */
  static List<byte[]> inclusion(RangeHasher tree, long m, long n) {
    List<byte[]> out = new ArrayList<>();
    path(tree, m, 0, n, out);
    return out;
  }

  /** PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true). Requires 0 < m <= n; empty for m = n. */
  static List<byte[]> consistency(RangeHasher tree, long m, long n) {
    List<byte[]> out = new ArrayList<>();
    subproof(tree, m, 0, n, true, out);
    return out;
  }

  // PATH(m, D[start:end]): for n > 1 leaves, k is the largest power of two below n; the leaf is in
  // the left subtree [start, start+k) or the right one, and the other subtree's root is its
  // sibling.
  // The recursion depth is at most 63.
  private static void path(RangeHasher tree, long m, long start, long end, List<byte[]> out) {
    long n = end - start;
    if (n <= 1) {
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m < k) {
      path(tree, m, start, start + k, out);
      out.add(tree.hash(start + k, end));
    } else {
      path(tree, m - k, start + k, end, out);
      out.add(tree.hash(start, start + k));
    }
  }

  // SUBPROOF(m, D[start:end], b): b says whether the subtree of the first m leaves is the old root
  // itself, which the verifier already has and so is left out.
  private static void subproof(
      RangeHasher tree, long m, long start, long end, boolean b, List<byte[]> out) {
    long n = end - start;
    if (m == n) {
      if (!b) {
        out.add(tree.hash(start, end));
      }
      return;
    }
    long k = Long.highestOneBit(n - 1);
    if (m <= k) {
      subproof(tree, m, start, start + k, b, out);
      out.add(tree.hash(start + k, end));
    } else {
      subproof(tree, m - k, start + k, end, false, out);
      out.add(tree.hash(start, start + k));
    }
  }
}
