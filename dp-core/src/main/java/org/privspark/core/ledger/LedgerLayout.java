package org.privspark.core.ledger;

import java.util.regex.Pattern;

/** File names inside a ledger (docs/LEDGER-FORMAT.md, "Layout"). */
public final class LedgerLayout {
  public static final String GENESIS = "ledger.json";
  public static final String ENTRIES = "entries";
  public static final String HEADS = "heads";
  // Compiled once: the auditor matches every name in entries/ and heads/.
  private static final Pattern HEAD_NAME = Pattern.compile("[0-9]{20}");
  private static final Pattern ENTRY_NAME = Pattern.compile("[0-9]{20}\\.json");

  private LedgerLayout() {}

  /** The signed checkpoint of a tree of {@code size} leaves (ledger.json included). */
  public static String head(long size) {
    return HEADS + "/" + digits20(size);
  }

  /** The size a head file name stands for, or −1 if the name is not a head's. */
  public static long headSize(String name) {
    return HEAD_NAME.matcher(name).matches() ? parse(name) : -1;
  }

  /** The sequence number an entry file name stands for, or −1 if the name is not an entry's. */
  public static long entrySeq(String name) {
    return ENTRY_NAME.matcher(name).matches() ? parse(name.substring(0, 20)) : -1;
  }

  /**
   * {@code n} in decimal, zero-padded to 20 digits: {@code %020d}, without a Formatter for n ≥ 0.
   */
  static String digits20(long n) {
    if (n < 0) {
      return String.format("%020d", n);
    }
    String digits = Long.toString(n);
    return "0".repeat(Math.max(0, 20 - digits.length())) + digits;
  }

  private static long parse(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return -1; // beyond 2^63 − 1
    }
  }
}
