package org.privspark.core.ledger.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.privspark.core.Check;

/**
 * An append-only RFC 9162 Merkle tree of SHA-256 leaf hashes, kept in memory. It gives the root of
 * the whole tree or of any earlier size, and inclusion and consistency proofs between any sizes.
 *
 * <p><b>Cost.</b> Every complete subtree's hash is stored as it completes (level by level, about
 * two hashes per leaf), so {@link #append} costs amortised one node hash, a root of any size costs
 * at most ⌈log2 n⌉ node hashes, and a proof at most O(log² n) — nothing is ever re-hashed from the
 * leaves. Memory is about 64 bytes per leaf; at most {@value #MAX_LEAVES} leaves.
 *
 * <p><b>Caller's duty.</b> The tree stores what it is given: leaf hashes are SHA-256(0x00 ||
 * entry), made with {@link Rfc9162Hasher#leafHash} or {@link #appendLeafData}. Not thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9162.html#section-2.1">RFC 9162, 2.1</a>
 */
public final class MerkleTree {
  /** The most leaves a tree holds (2^26 - 1): the leaf level must fit one Java array. */
  public static final long MAX_LEAVES = (1L << 26) - 1;

  private static final int H = Rfc9162Hasher.HASH_SIZE;

  // levels.get(k) holds, in order, the hashes of the complete subtrees of 2^k leaves.
  private final List<Level> levels = new ArrayList<>();
  private long size;

  /** An empty tree. */
  public MerkleTree() {
    levels.add(new Level());
  }

  /** The number of leaves. */
  public long size() {
    return size;
  }

  /**
   * Appends a leaf hash (copied) and returns its index.
   *
   * @throws IllegalArgumentException if {@code leafHash} is null or not 32 bytes long
   * @throws IllegalStateException if the tree already holds {@value #MAX_LEAVES} leaves
   */
  public long append(byte[] leafHash) {
    Check.notNull("leafHash", leafHash);
    if (leafHash.length != H) {
      throw new IllegalArgumentException(
          "leafHash must be " + H + " bytes long; got " + leafHash.length);
    }
    if (size >= MAX_LEAVES) {
      throw new IllegalStateException(
          "the tree is full: it holds at most " + MAX_LEAVES + " leaves");
    }
    levels.get(0).add(leafHash);
    // Each second node on a level completes a subtree one level up, like a carry in binary
    // addition.
    for (int k = 0; levels.get(k).count % 2 == 0; k++) {
      Level level = levels.get(k);
      byte[] parent =
          Rfc9162Hasher.nodeHash(level.get(level.count - 2), level.get(level.count - 1));
      if (levels.size() == k + 1) {
        levels.add(new Level());
      }
      levels.get(k + 1).add(parent);
    }
    return size++;
  }

  /**
   * Appends the leaf for an entry, hashing it as SHA-256(0x00 || data), and returns its index.
   *
   * @throws IllegalArgumentException if {@code data} is null
   * @throws IllegalStateException if the tree is full
   */
  public long appendLeafData(byte[] data) {
    return append(Rfc9162Hasher.leafHash(data));
  }

  /**
   * The hash of leaf {@code index} (a copy).
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < size()}
   */
  public byte[] leafHash(long index) {
    checkIndex("index", index, size);
    return levels.get(0).get(index);
  }

  /** The root of the whole tree; SHA-256("") if it is empty. */
  public byte[] root() {
    return root(size);
  }

  /**
   * The root of the tree made of the first {@code treeSize} leaves; SHA-256("") for 0.
   *
   * @throws IllegalArgumentException unless {@code 0 <= treeSize <= size()}
   */
  public byte[] root(long treeSize) {
    checkSize("treeSize", treeSize);
    return treeSize == 0 ? Rfc9162Hasher.emptyRoot() : rangeHash(0, treeSize);
  }

  /**
   * The root the tree would have after {@link #append}ing {@code leafHash}, without appending it:
   * what a writer signs before it knows that its leaf will land. O(log n).
   *
   * @throws IllegalArgumentException if {@code leafHash} is null or not 32 bytes long
   */
  public byte[] rootWithAppended(byte[] leafHash) {
    Check.notNull("leafHash", leafHash);
    if (leafHash.length != H) {
      throw new IllegalArgumentException(
          "leafHash must be " + H + " bytes long; got " + leafHash.length);
    }
    // The peaks of size + 1 leaves: the new leaf merges with the peaks of the levels where size has
    // a 1 bit, like a carry; the peaks above the carry stay. The root folds them right to left.
    byte[] root = leafHash.clone();
    int k = 0;
    while ((size >>> k & 1) == 1) {
      root = Rfc9162Hasher.nodeHash(peak(k), root);
      k++;
    }
    for (int j = k + 1; j < Long.SIZE - 1 && (size >>> j) != 0; j++) {
      if ((size >>> j & 1) == 1) {
        root = Rfc9162Hasher.nodeHash(peak(j), root);
      }
    }
    return root;
  }

  /** The last complete subtree of 2^k leaves: a peak when bit k of the size is set. */
  private byte[] peak(int k) {
    Level level = levels.get(k);
    return level.get(level.count - 1);
  }

  /**
   * The inclusion proof of leaf {@code leafIndex} in the tree of the first {@code treeSize} leaves.
   *
   * @throws IllegalArgumentException unless {@code 0 <= leafIndex < treeSize <= size()}
   */
  public InclusionProof inclusionProof(long leafIndex, long treeSize) {
    checkSize("treeSize", treeSize);
    checkIndex("leafIndex", leafIndex, treeSize);
    return new InclusionProof(
        leafIndex, treeSize, ProofPaths.inclusion(this::rangeHash, leafIndex, treeSize));
  }

  /**
   * The consistency proof from the tree of the first {@code size1} leaves to that of the first
   * {@code size2}. It is empty when the sizes are equal.
   *
   * @throws IllegalArgumentException unless {@code 1 <= size1 <= size2 <= size()}; a proof from the
   *     empty tree is refused because it would prove nothing
   */
  public ConsistencyProof consistencyProof(long size1, long size2) {
    checkSize("size2", size2);
    if (size1 < 1 || size1 > size2) {
      throw new IllegalArgumentException(
          "size1 must be in [1, size2 = " + size2 + "]; got " + size1);
    }
    return new ConsistencyProof(
        size1, size2, ProofPaths.consistency(this::rangeHash, size1, size2));
  }

  /**
   * The hash of the leaves [start, end), for a range that is a node of some RFC 9162 tree: {@code
   * start} is a multiple of a power of two at least {@code end - start}. Such a range splits into
   * complete subtrees of decreasing size, all stored, which are joined from the right.
   */
  private byte[] rangeHash(long start, long end) {
    long n = end - start;
    byte[] acc = null;
    long right = end;
    for (int k = 0; k < 63 && (n >>> k) != 0; k++) {
      if (((n >>> k) & 1) == 1) {
        long left = right - (1L << k);
        byte[] subtree = levels.get(k).get(left >>> k);
        acc = acc == null ? subtree : Rfc9162Hasher.nodeHash(subtree, acc);
        right = left;
      }
    }
    return acc;
  }

  private void checkSize(String name, long value) {
    if (value < 0 || value > size) {
      throw new IllegalArgumentException(
          name + " must be in [0, " + size + "] (the tree's size); got " + value);
    }
  }

  private static void checkIndex(String name, long index, long bound) {
    if (index < 0 || index >= bound) {
      throw new IllegalArgumentException(name + " must be in [0, " + bound + "); got " + index);
    }
  }

  /** One level of complete-subtree hashes, packed into one growable array. */
  private static final class Level {
    private byte[] data = new byte[16 * H];
    private int count;

    void add(byte[] hash) {
      if ((count + 1) * H > data.length) {
        data = Arrays.copyOf(data, (int) Math.min((long) data.length * 2, MAX_LEAVES * H));
      }
      System.arraycopy(hash, 0, data, count * H, H);
      count++;
    }

    byte[] get(long i) {
      int from = Math.toIntExact(i * H);
      return Arrays.copyOfRange(data, from, from + H);
    }
  }
}
