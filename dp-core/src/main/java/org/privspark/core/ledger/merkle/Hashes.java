package org.privspark.core.ledger.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.privspark.core.Check;

/** Deep copies, equality and printing of hash lists, for the proof records' array contents. */
final class Hashes {
  private Hashes() {}

  /** An unmodifiable deep copy; refuses a null list or a null element. */
  static List<byte[]> copyOf(String name, List<byte[]> hashes) {
    Check.notNull(name, hashes);
    List<byte[]> copy = new ArrayList<>(hashes.size());
    for (int i = 0; i < hashes.size(); i++) {
      copy.add(Check.notNull(name + "[" + i + "]", hashes.get(i)).clone());
    }
    return List.copyOf(copy);
  }

  /** A deep copy that the caller may modify. */
  static List<byte[]> mutableCopy(List<byte[]> hashes) {
    List<byte[]> copy = new ArrayList<>(hashes.size());
    hashes.forEach(h -> copy.add(h.clone()));
    return copy;
  }

  static boolean equal(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  static int hash(List<byte[]> hashes) {
    int h = 1;
    for (byte[] b : hashes) {
      h = 31 * h + Arrays.hashCode(b);
    }
    return h;
  }

  static String toString(List<byte[]> hashes) {
    HexFormat hex = HexFormat.of();
    return hashes.stream().map(hex::formatHex).toList().toString();
  }
}
