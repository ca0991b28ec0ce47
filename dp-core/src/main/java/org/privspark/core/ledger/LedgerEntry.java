package org.privspark.core.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.privspark.core.Check;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.UnitClaim;
import org.privspark.core.zk.PedersenCommitment;
import org.privspark.core.zk.PointCodec;
import org.privspark.core.zk.ZkVerificationException;

/**
 * One recorded spend: entries/NNNNNNNNNNNNNNNNNNNN.json, leaf {@code seq} of the ledger's tree.
 *
 * @param seq the sequence number, from 1 (leaf 0 is ledger.json)
 * @param timeMillis when it was recorded, milliseconds since the epoch; never before the previous
 * @param origin the ledger's origin
 * @param previousLeafHash the RFC 9162 leaf hash of leaf seq − 1
 * @param releaseId 16 random bytes naming the release, unique in the ledger
 * @param mechanism a short name for the kind of release ("private-aggregation", "dp-sgd", …)
 * @param event the mechanism with its exact parameters; null in a confidential entry
 * @param cost the cost of {@code event} on the ledger's grid (an auditor recomputes it); null in a
 *     confidential entry
 * @param commitments salted commitments to the release's details (query, parameters, dataset,
 *     result), in that order
 * @param confidentialCost the committed cost of a confidential entry (format version 2), or null in
 *     a transparent entry
 * @param unit the unit the release's guarantee is about, in a ledger that declares its unit
 *     (formats privspark-entry/3 and /4); null in a ledger that declares none
 */
public record LedgerEntry(
    long seq,
    long timeMillis,
    String origin,
    byte[] previousLeafHash,
    byte[] releaseId,
    String mechanism,
    PrivacyEvent event,
    FixedPointCost cost,
    byte[][] commitments,
    ConfidentialCost confidentialCost,
    UnitClaim unit) {
  static final String FORMAT = "privspark-entry/1";
  static final String FORMAT_CONFIDENTIAL = "privspark-entry/2";

  /** A transparent entry with its unit claim. */
  static final String FORMAT_WITH_UNIT = "privspark-entry/3";

  /** A confidential entry with its unit claim. */
  static final String FORMAT_CONFIDENTIAL_WITH_UNIT = "privspark-entry/4";

  static final int RELEASE_ID_LENGTH =
      org.privspark.core.accounting.PrivacyBudget.RELEASE_ID_LENGTH;
  private static final java.util.regex.Pattern MECHANISM =
      java.util.regex.Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");

  public LedgerEntry {
    if ((confidentialCost == null) == (event == null || cost == null)) {
      throw new IllegalArgumentException(
          "an entry has either an event and a cost (transparent) or a"
              + " confidential cost, not both and not neither");
    }
  }

  /** A transparent entry without a unit claim (format version 1). */
  public LedgerEntry(
      long seq,
      long timeMillis,
      String origin,
      byte[] previousLeafHash,
      byte[] releaseId,
      String mechanism,
      PrivacyEvent event,
      FixedPointCost cost,
      byte[][] commitments) {
    this(
        seq,
        timeMillis,
        origin,
        previousLeafHash,
        releaseId,
        mechanism,
        event,
        cost,
        commitments,
        null,
        null);
  }

  /** A transparent entry; {@code unit} null for one without a unit claim. */
  public LedgerEntry(
      long seq,
      long timeMillis,
      String origin,
      byte[] previousLeafHash,
      byte[] releaseId,
      String mechanism,
      PrivacyEvent event,
      FixedPointCost cost,
      byte[][] commitments,
      UnitClaim unit) {
    this(
        seq,
        timeMillis,
        origin,
        previousLeafHash,
        releaseId,
        mechanism,
        event,
        cost,
        commitments,
        null,
        unit);
  }

  /** A confidential entry without a unit claim (format version 2). */
  public LedgerEntry(
      long seq,
      long timeMillis,
      String origin,
      byte[] previousLeafHash,
      byte[] releaseId,
      String mechanism,
      ConfidentialCost confidentialCost,
      byte[][] commitments) {
    this(
        seq,
        timeMillis,
        origin,
        previousLeafHash,
        releaseId,
        mechanism,
        confidentialCost,
        commitments,
        null);
  }

  /** A confidential entry; {@code unit} null for one without a unit claim. */
  public LedgerEntry(
      long seq,
      long timeMillis,
      String origin,
      byte[] previousLeafHash,
      byte[] releaseId,
      String mechanism,
      ConfidentialCost confidentialCost,
      byte[][] commitments,
      UnitClaim unit) {
    this(
        seq,
        timeMillis,
        origin,
        previousLeafHash,
        releaseId,
        mechanism,
        null,
        null,
        commitments,
        Check.notNull("confidentialCost", confidentialCost),
        unit);
  }

  /**
   * Refuses a mechanism name that no writer records: 1 to 64 characters of a-z, 0-9, '.' and '-',
   * starting with a letter or digit (docs/LEDGER-FORMAT.md §5).
   *
   * @throws IllegalArgumentException naming the rule
   */
  static void checkMechanism(String mechanism) {
    Check.notNull("mechanism", mechanism);
    if (!MECHANISM.matcher(mechanism).matches()) {
      throw new IllegalArgumentException(
          "mechanism must be 1 to 64 characters of a-z, 0-9, '.' and '-'"
              + " (a short name such as private-aggregation); got '"
              + mechanism
              + "'");
    }
  }

  /** Whether this is a confidential (format version 2) entry. */
  public boolean confidential() {
    return confidentialCost != null;
  }

  /** The entry's file, relative to the ledger's root. */
  public static String path(long seq) {
    return "entries/" + LedgerLayout.digits20(seq) + ".json";
  }

  /** The canonical bytes of the entry file. */
  public byte[] encode() {
    if (confidential()) {
      return encodeConfidential();
    }
    ObjectNode o = CanonicalJson.object();
    o.put("format", unit == null ? FORMAT : FORMAT_WITH_UNIT)
        .put("seq", seq)
        .put("time", timeMillis)
        .put("origin", origin)
        .put("previous", CanonicalJson.hex(previousLeafHash))
        .put("releaseId", CanonicalJson.hex(releaseId))
        .put("mechanism", mechanism);
    o.set("event", EventCodec.encode(event));
    ObjectNode c = o.putObject("cost");
    c.put("fractionBits", FixedPointCost.FRACTION_BITS);
    ArrayNode rdp = c.putArray("rdp");
    for (long r : cost.rdp()) {
      rdp.add(r);
    }
    c.put("pureEpsilon", cost.pureEpsilon()).put("delta", cost.delta());
    o.set("commitments", Commitments.encode(commitments));
    putUnit(o);
    return CanonicalJson.encode(o);
  }

  private byte[] encodeConfidential() {
    ObjectNode o = CanonicalJson.object();
    o.put("format", unit == null ? FORMAT_CONFIDENTIAL : FORMAT_CONFIDENTIAL_WITH_UNIT)
        .put("seq", seq)
        .put("time", timeMillis)
        .put("origin", origin)
        .put("previous", CanonicalJson.hex(previousLeafHash))
        .put("releaseId", CanonicalJson.hex(releaseId))
        .put("mechanism", mechanism);
    ArrayNode points = o.putArray("costCommitments");
    for (PedersenCommitment c : confidentialCost.commitments()) {
      points.add(CanonicalJson.hex(c.encode()));
    }
    o.put("delta", confidentialCost.delta());
    o.set("commitments", Commitments.encode(commitments));
    putUnit(o);
    return CanonicalJson.encode(o);
  }

  /** The unit claim, last (formats 3 and 4): the unit's name, and whether each row is one unit. */
  private void putUnit(ObjectNode o) {
    if (unit != null) {
      o.putObject("unit").put("name", unit.unit()).put("rowIsUnit", unit.rowIsUnit());
    }
  }

  /** The unit claim of a format-3 or -4 entry; the message quotes none of it (it is unverified). */
  private static UnitClaim unit(CanonicalJson.Fields f) {
    CanonicalJson.Fields u = f.nested("unit").exactly("name", "rowIsUnit");
    return new UnitClaim(u.unitName("name"), u.bool("rowIsUnit"));
  }

  /**
   * Parses an entry file strictly (either format); {@code index} is the leaf the file should be.
   * Doubles may be in a legacy text, as in a ledger of format version 1 or 2; {@link LedgerReplay}
   * holds each entry to its own ledger's version ({@link #decode(byte[], long, LedgerGenesis)}).
   * The event's limits that depend on the ledger's grid wait for that method too.
   */
  public static LedgerEntry decode(byte[] bytes, long index) {
    return decode(bytes, index, CanonicalJson.DoubleRule.CANONICAL_OR_LEGACY, 0);
  }

  /**
   * Parses an entry file of the ledger {@code genesis} describes, with the double texts its version
   * allows, and holds its event to the limits of a recorded event on the ledger's grid
   * (docs/LEDGER-FORMAT.md §5.1): the work of recomputing its cost is then bounded.
   */
  public static LedgerEntry decode(byte[] bytes, long index, LedgerGenesis genesis) {
    return decode(bytes, index, genesis.doubleRule(), genesis.grid().size());
  }

  /** {@code orders}: the ledger grid's size, or 0 when unknown. */
  private static LedgerEntry decode(
      byte[] bytes, long index, CanonicalJson.DoubleRule rule, int orders) {
    String what = LedgerEntry.path(index);
    ObjectNode node = CanonicalJson.parseCanonical(bytes, index, what, rule);
    JsonNode format = node.get("format");
    String formatText = format == null ? null : format.textValue();
    if (FORMAT_CONFIDENTIAL.equals(formatText)
        || FORMAT_CONFIDENTIAL_WITH_UNIT.equals(formatText)) {
      return decodeConfidential(
          node, index, what, FORMAT_CONFIDENTIAL_WITH_UNIT.equals(formatText));
    }
    boolean withUnit = FORMAT_WITH_UNIT.equals(formatText);
    CanonicalJson.Fields f = new CanonicalJson.Fields(node, index, what);
    if (withUnit) {
      f.exactly(
          "format",
          "seq",
          "time",
          "origin",
          "previous",
          "releaseId",
          "mechanism",
          "event",
          "cost",
          "commitments",
          "unit");
    } else {
      f.exactly(
          "format",
          "seq",
          "time",
          "origin",
          "previous",
          "releaseId",
          "mechanism",
          "event",
          "cost",
          "commitments");
    }
    if (!f.text("format").equals(FORMAT) && !withUnit) {
      throw f.malformed(
          "format must be one of "
              + FORMAT
              + ", "
              + FORMAT_CONFIDENTIAL
              + ", "
              + FORMAT_WITH_UNIT
              + ", "
              + FORMAT_CONFIDENTIAL_WITH_UNIT);
    }
    CanonicalJson.Fields c =
        f.nested("cost").exactly("fractionBits", "rdp", "pureEpsilon", "delta");
    if (c.integer("fractionBits") != FixedPointCost.FRACTION_BITS) {
      throw c.malformed("fractionBits must be " + FixedPointCost.FRACTION_BITS);
    }
    ArrayNode rdpNode = c.array("rdp");
    if (rdpNode.size() > LedgerGenesis.MAX_ORDERS) {
      throw c.malformed(
          "rdp must hold at most "
              + LedgerGenesis.MAX_ORDERS
              + " values (one per order); got more");
    }
    long[] rdp = new long[rdpNode.size()];
    for (int i = 0; i < rdp.length; i++) {
      JsonNode r = rdpNode.get(i);
      if (!r.isIntegralNumber() || !r.canConvertToLong()) {
        throw c.malformed("rdp values must be integers");
      }
      rdp[i] = r.longValue();
    }
    FixedPointCost cost;
    try {
      cost = new FixedPointCost(rdp, c.integer("pureEpsilon"), c.number("delta"));
    } catch (IllegalArgumentException e) {
      throw c.malformed(e.getMessage());
    }
    PrivacyEvent event = EventCodec.decode(f.object("event"), index);
    try {
      EventCodec.checkLimits(event, orders);
    } catch (IllegalArgumentException e) {
      throw f.malformed(e.getMessage());
    }
    return new LedgerEntry(
        f.integer("seq"),
        f.integer("time"),
        f.text("origin"),
        f.hex("previous", 32),
        f.hex("releaseId", RELEASE_ID_LENGTH),
        mechanism(f),
        event,
        cost,
        Commitments.decode(f.nested("commitments")),
        withUnit ? unit(f) : null);
  }

  /** The mechanism field, held to the writer's rule ({@link #checkMechanism}). */
  private static String mechanism(CanonicalJson.Fields f) {
    String mechanism = f.text("mechanism");
    try {
      checkMechanism(mechanism);
    } catch (IllegalArgumentException e) {
      throw f.malformed(e.getMessage());
    }
    return mechanism;
  }

  private static LedgerEntry decodeConfidential(
      ObjectNode node, long index, String what, boolean withUnit) {
    CanonicalJson.Fields f = new CanonicalJson.Fields(node, index, what);
    if (withUnit) {
      f.exactly(
          "format",
          "seq",
          "time",
          "origin",
          "previous",
          "releaseId",
          "mechanism",
          "costCommitments",
          "delta",
          "commitments",
          "unit");
    } else {
      f.exactly(
          "format",
          "seq",
          "time",
          "origin",
          "previous",
          "releaseId",
          "mechanism",
          "costCommitments",
          "delta",
          "commitments");
    }
    ArrayNode points = f.array("costCommitments");
    if (points.size() > LedgerGenesis.MAX_ORDERS) {
      throw f.malformed(
          "costCommitments must hold at most "
              + LedgerGenesis.MAX_ORDERS
              + " commitments (one per order); got more");
    }
    PedersenCommitment[] commitments = new PedersenCommitment[points.size()];
    for (int i = 0; i < commitments.length; i++) {
      JsonNode p = points.get(i);
      if (!p.isTextual()) {
        throw f.malformed("costCommitments must be strings");
      }
      String hex = p.textValue();
      if (hex.length() != 2 * PointCodec.LENGTH
          || !hex.equals(hex.toLowerCase(java.util.Locale.ROOT))) {
        throw f.malformed(
            "costCommitments[" + i + "] must be " + PointCodec.LENGTH + " bytes of lower-case hex");
      }
      try {
        commitments[i] = PedersenCommitment.decode(java.util.HexFormat.of().parseHex(hex));
      } catch (IllegalArgumentException | ZkVerificationException e) {
        throw f.malformed(
            "costCommitments[" + i + "] is not a valid P-256 point: " + e.getMessage());
      }
    }
    ConfidentialCost cost;
    try {
      cost = new ConfidentialCost(commitments, f.number("delta"));
    } catch (IllegalArgumentException e) {
      throw f.malformed(e.getMessage());
    }
    return new LedgerEntry(
        f.integer("seq"),
        f.integer("time"),
        f.text("origin"),
        f.hex("previous", 32),
        f.hex("releaseId", RELEASE_ID_LENGTH),
        mechanism(f),
        cost,
        Commitments.decode(f.nested("commitments")),
        withUnit ? unit(f) : null);
  }
}
