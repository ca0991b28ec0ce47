package org.privspark.core.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.OptionalLong;
import org.privspark.core.Check;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.zk.CommittedValueSearch;
import org.privspark.core.zk.P256;
import org.privspark.core.zk.PedersenCommitment;
import org.privspark.core.zk.PedersenOpening;
import org.privspark.core.zk.ScalarCodec;
import org.privspark.core.zk.ZkVerificationException;

/**
 * The holder's secret opening of a confidential entry's cost: the event (the mechanism with its
 * exact parameters) and the Pedersen blinding r_i of each order. The committed values are not
 * stored: they are the event's {@link FixedPointCost} on the ledger's grid, so whoever checks an
 * opening recomputes them from the event, which is the point of a spot check. (Ledgers of format
 * versions 1 and 2 may hold values a little off today's recomputation; {@link #check} finds them.)
 *
 * <p>Whoever holds this can open the entry's cost, so {@link #toString()} shows neither the
 * blindings nor the event. Kept in the holder's {@link OpeningStore}, next to the detail {@link
 * Opening}.
 *
 * @param releaseId the release id of the entry it opens
 * @param event the event whose cost is committed
 * @param blindings r_i in [1, n), one per order of the grid
 */
public record CostOpening(byte[] releaseId, PrivacyEvent event, BigInteger[] blindings) {
  static final String FORMAT = "privspark-cost-opening/1";

  public CostOpening {
    Check.notNull("releaseId", releaseId);
    Check.notNull("event", event);
    Check.notNull("blindings", blindings);
    releaseId = releaseId.clone();
    blindings = blindings.clone();
    for (BigInteger r : blindings) {
      if (r == null || r.signum() <= 0 || r.compareTo(P256.N) >= 0) {
        throw new IllegalArgumentException("blindings must be in [1, n); got one out of range");
      }
    }
  }

  /** Fresh uniform blindings for each order of {@code grid}. */
  static CostOpening fresh(
      byte[] releaseId, PrivacyEvent event, OrderGrid grid, SecureRandom random) {
    BigInteger[] r = new BigInteger[grid.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = PedersenOpening.random(0, random).blinding();
    }
    return new CostOpening(releaseId, event, r);
  }

  @Override
  public byte[] releaseId() {
    return releaseId.clone();
  }

  @Override
  public BigInteger[] blindings() {
    return blindings.clone();
  }

  /** The fixed-point cost the commitments hold: the event's cost on {@code grid}. */
  public FixedPointCost cost(OrderGrid grid) {
    return FixedPointCost.of(event, grid);
  }

  /** The Pedersen openings (v_i, r_i), one per order, of {@code cost}. */
  public PedersenOpening[] pedersen(FixedPointCost cost) {
    long[] v = cost.rdp();
    if (v.length != blindings.length) {
      throw new IllegalArgumentException(
          "cost must have " + blindings.length + " orders; got " + v.length);
    }
    PedersenOpening[] o = new PedersenOpening[v.length];
    for (int i = 0; i < v.length; i++) {
      o[i] = PedersenOpening.of(BigInteger.valueOf(v[i]), blindings[i]);
    }
    return o;
  }

  /** The entry's cost as committed: one commitment per order, and the event's additive δ. */
  ConfidentialCost commit(FixedPointCost cost) {
    PedersenOpening[] o = pedersen(cost);
    PedersenCommitment[] c = new PedersenCommitment[o.length];
    for (int i = 0; i < o.length; i++) {
      c[i] = o[i].commitment();
    }
    return new ConfidentialCost(c, cost.delta());
  }

  /**
   * Checks this opening against a confidential entry of a ledger with {@code genesis}: same release
   * id, the public δ equal to the event's, and every commitment opening, with its blinding, to the
   * event's cost recomputed on the ledger's grid. In ledgers of format versions 1 and 2, written
   * when costs were rounded to nearest, a commitment may hold a value within {@link LegacyCost}'s
   * tolerance of today's instead; that value is found by a bounded search (docs/LEDGER-FORMAT.md
   * §9.1).
   *
   * @return the committed cost: the values the commitments hold (today's recomputation, except for
   *     legacy values found by the search), with the event's pure ε and δ
   * @throws LedgerException {@link Reason#OPENING_MISMATCH} for another entry's opening, {@link
   *     Reason#MALFORMED} for an event beyond the limits of a recorded event (docs/LEDGER-FORMAT.md
   *     §5.1), {@link Reason#COST_MISMATCH} when the commitments do not hold the event's cost
   */
  public FixedPointCost check(LedgerEntry entry, LedgerGenesis genesis) {
    if (!entry.confidential()) {
      throw new IllegalArgumentException("entry " + entry.seq() + " is not confidential");
    }
    if (!Arrays.equals(releaseId, entry.releaseId())) {
      throw new LedgerException(
          Reason.OPENING_MISMATCH,
          entry.seq(),
          "the cost opening is for release "
              + CanonicalJson.hex(releaseId)
              + ", not the entry's "
              + CanonicalJson.hex(entry.releaseId()));
    }
    OrderGrid grid = genesis.grid();
    ConfidentialCost committed = entry.confidentialCost();
    if (blindings.length != grid.size() || committed.orders() != grid.size()) {
      throw new LedgerException(
          Reason.COST_MISMATCH,
          entry.seq(),
          "the opening or the entry does not have one"
              + " value per order of the grid ("
              + grid.size()
              + ")");
    }
    try {
      // The opening comes from the holder: its event is held to the limits of a recorded event
      // before its cost is computed, as an entry's is.
      EventCodec.checkLimits(event, grid.size());
    } catch (IllegalArgumentException e) {
      throw new LedgerException(
          Reason.MALFORMED, entry.seq(), "the opened event: " + e.getMessage());
    }
    FixedPointCost cost;
    try {
      cost = cost(grid);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new LedgerException(
          Reason.COST_MISMATCH, entry.seq(), "cost cannot be recomputed: " + e.getMessage());
    }
    ConfidentialCost recomputed = commit(cost);
    if (recomputed.equals(committed)) {
      return cost;
    }
    if (genesis.exactCosts()
        || Double.doubleToLongBits(cost.delta()) != Double.doubleToLongBits(committed.delta())) {
      throw new LedgerException(
          Reason.COST_MISMATCH,
          entry.seq(),
          "the committed cost differs from the cost of the opened mechanism recomputed on the"
              + " ledger's grid");
    }
    return legacyCommitted(entry.seq(), committed, recomputed, cost, genesis);
  }

  /**
   * Format versions 1 and 2: the values the commitments hold, each searched for within {@link
   * LegacyCost#tolerance} of today's value where it is not today's value.
   */
  private FixedPointCost legacyCommitted(
      long seq,
      ConfidentialCost committed,
      ConfidentialCost recomputed,
      FixedPointCost cost,
      LedgerGenesis genesis) {
    long[] values = cost.rdp();
    for (int i = 0; i < values.length; i++) {
      if (recomputed.at(i).equals(committed.at(i))) {
        continue;
      }
      OptionalLong held =
          values[i] == FixedPointCost.INFINITE
              ? OptionalLong.empty()
              : CommittedValueSearch.find(
                  committed.at(i), blindings[i], values[i], LegacyCost.tolerance(values[i]));
      if (held.isEmpty()) {
        throw new LedgerException(
            Reason.COST_MISMATCH,
            seq,
            "the committed cost at order "
                + genesis.grid().order(i)
                + " differs from the cost of the opened mechanism recomputed on the ledger's"
                + " grid by more than format version "
                + genesis.formatVersion()
                + " allows (docs/LEDGER-FORMAT.md §9.1)");
      }
      values[i] = held.getAsLong();
    }
    return new FixedPointCost(values, cost.pureEpsilon(), cost.delta());
  }

  /** The opening as canonical JSON. */
  public byte[] encode() {
    return CanonicalJson.encode(toJson());
  }

  /**
   * The opening as a JSON object (in a spot-check file, each opened entry holds one).
   *
   * @return the object
   */
  public ObjectNode toJson() {
    ObjectNode o = CanonicalJson.object();
    o.put("format", FORMAT).put("releaseId", CanonicalJson.hex(releaseId));
    o.set("event", EventCodec.encode(event));
    ArrayNode r = o.putArray("blindings");
    for (BigInteger b : blindings) {
      r.add(CanonicalJson.hex(ScalarCodec.encode(b)));
    }
    return o;
  }

  /** Parses an opening file strictly. */
  public static CostOpening decode(byte[] bytes) {
    return fromJson(
        CanonicalJson.parseCanonical(
            bytes, -1, "cost opening", CanonicalJson.DoubleRule.CANONICAL_OR_LEGACY),
        -1);
  }

  /**
   * Parses an opening held in a JSON object strictly.
   *
   * @param node the object
   * @param index the entry it is said to open (for messages)
   * @return the opening
   */
  public static CostOpening fromJson(ObjectNode node, long index) {
    CanonicalJson.Fields f =
        new CanonicalJson.Fields(node, index, "cost opening")
            .exactly("format", "releaseId", "event", "blindings");
    if (!f.text("format").equals(FORMAT)) {
      throw f.malformed("format must be " + FORMAT);
    }
    ArrayNode array = f.array("blindings");
    BigInteger[] r = new BigInteger[array.size()];
    for (int i = 0; i < r.length; i++) {
      JsonNode b = array.get(i);
      if (!b.isTextual()
          || b.textValue().length() != 2 * ScalarCodec.LENGTH
          || !b.textValue().equals(b.textValue().toLowerCase(java.util.Locale.ROOT))) {
        throw f.malformed(
            "blindings must be " + ScalarCodec.LENGTH + "-byte lower-case hex scalars");
      }
      try {
        r[i] = ScalarCodec.decode(java.util.HexFormat.of().parseHex(b.textValue()));
      } catch (IllegalArgumentException | ZkVerificationException e) {
        throw f.malformed("blindings[" + i + "]: " + e.getMessage());
      }
    }
    try {
      return new CostOpening(
          f.hex("releaseId", LedgerEntry.RELEASE_ID_LENGTH),
          EventCodec.decode(f.object("event"), index),
          r);
    } catch (IllegalArgumentException e) {
      throw f.malformed(e.getMessage());
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CostOpening c
        && Arrays.equals(releaseId, c.releaseId)
        && event.equals(c.event)
        && Arrays.equals(blindings, c.blindings);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(releaseId);
  }

  @Override
  public String toString() {
    return "CostOpening[releaseId=" + CanonicalJson.hex(releaseId) + ", secret]";
  }
}
