package org.privspark.core.ledger;

/** File names inside a ledger (docs/LEDGER-FORMAT.md, "Layout"). */
public final class LedgerLayout {
  public static final String GENESIS = "ledger.json";
  public static final String ENTRIES = "entries";
  public static final String HEADS = "heads";

  private LedgerLayout() {}

  /** The signed checkpoint of a tree of {@code size} leaves (ledger.json included). */
  public static String head(long size) {
    return HEADS + "/" + String.format("%020d", size);
  }

  /** The size a head file name stands for, or −1 if the name is not a head's. */
  public static long headSize(String name) {
    return name.matches("[0-9]{20}") ? parse(name) : -1;
  }

  /** The sequence number an entry file name stands for, or −1 if the name is not an entry's. */
  public static long entrySeq(String name) {
    return name.matches("[0-9]{20}\\.json") ? parse(name.substring(0, 20)) : -1;
  }

  private static long parse(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return -1; // beyond 2^63 − 1
    }
  }
}
