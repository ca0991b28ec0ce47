package org.privspark.core.ledger.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * A slow reference implementation written directly from RFC 9162 section 2.1 (MTH, PATH, PROOF),
 * re-hashing from the leaves every time. It cross-checks the fast {@link MerkleTree}.
 */
final class ReferenceMerkle {
  private ReferenceMerkle() {}

  /** MTH(D[start:end]). */
  static byte[] mth(List<byte[]> leafHashes, int start, int end) {
    int n = end - start;
    if (n == 0) {
      return Rfc9162Hasher.emptyRoot();
    }
    if (n == 1) {
      return leafHashes.get(start);
    }
    int k = Integer.highestOneBit(n - 1);
    return Rfc9162Hasher.nodeHash(
        mth(leafHashes, start, start + k), mth(leafHashes, start + k, end));
  }

  /** PATH(m, D[start:end]). */
  static List<byte[]> path(List<byte[]> leaves, int m, int start, int end) {
    int n = end - start;
    List<byte[]> out = new ArrayList<>();
    if (n <= 1) {
      return out;
    }
    int k = Integer.highestOneBit(n - 1);
    if (m < k) {
      out.addAll(path(leaves, m, start, start + k));
      out.add(mth(leaves, start + k, end));
    } else {
      out.addAll(path(leaves, m - k, start + k, end));
      out.add(mth(leaves, start, start + k));
    }
    return out;
  }

  /** SUBPROOF(m, D[start:end], b). */
  static List<byte[]> subproof(List<byte[]> leaves, int m, int start, int end, boolean b) {
    int n = end - start;
    List<byte[]> out = new ArrayList<>();
    if (m == n) {
      if (!b) {
        out.add(mth(leaves, start, end));
      }
      return out;
    }
    int k = Integer.highestOneBit(n - 1);
    if (m <= k) {
      out.addAll(subproof(leaves, m, start, start + k, b));
      out.add(mth(leaves, start + k, end));
    } else {
      out.addAll(subproof(leaves, m - k, start + k, end, false));
      out.add(mth(leaves, start, start + k));
    }
    return out;
  }
}
