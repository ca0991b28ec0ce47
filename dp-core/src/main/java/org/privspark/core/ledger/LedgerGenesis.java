package org.privspark.core.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.privspark.core.Check;
import org.privspark.core.accounting.OrderGrid;

/**
 * ledger.json: what a ledger is. It is leaf 0 of the ledger's Merkle tree, so every signed
 * checkpoint commits to it, and entry 1 chains to its hash: editing the budget, the order grid or
 * the key afterwards breaks both.
 *
 * @param origin the checkpoint origin (C2SP tlog-checkpoint), unique per ledger
 * @param createdMillis creation time, milliseconds since the epoch (UTC)
 * @param mode "transparent" (costs in clear, format version 1) or "confidential" (costs in Pedersen
 *     commitments, format version 2; needs a budget δ &gt; 0, see docs/LEDGER-FORMAT.md §10)
 * @param budgetEpsilon the budget's ε
 * @param budgetDelta the budget's δ
 * @param grid the RDP orders every cost is given on
 * @param publicKey the checkpoint signer's verifier key, in signed-note form (name+id+key)
 */
public record LedgerGenesis(
    String origin, long createdMillis, String mode, double budgetEpsilon, double budgetDelta,
    OrderGrid grid, String publicKey) {
  static final String FORMAT = "privspark-ledger/1";
  static final String FORMAT_CONFIDENTIAL = "privspark-ledger/2";
  public static final String TRANSPARENT = "transparent";
  public static final String CONFIDENTIAL = "confidential";

  public LedgerGenesis {
    Check.notNull("origin", origin);
    if (!origin.matches("[\\x21-\\x2a\\x2c-\\x7e]{1,200}")) {
      throw new IllegalArgumentException("origin must be 1 to 200 printable ASCII characters, without"
          + " spaces or '+' (it names the signing key too); got '" + origin + "'");
    }
    Check.notNull("mode", mode);
    if (!mode.equals(TRANSPARENT) && !mode.equals(CONFIDENTIAL)) {
      throw new IllegalArgumentException("mode must be " + TRANSPARENT + " or " + CONFIDENTIAL + "; got " + mode);
    }
    Check.positiveFinite("budgetEpsilon", budgetEpsilon);
    Check.inHalfOpen("budgetDelta", budgetDelta, 0.0, 1.0);
    if (mode.equals(CONFIDENTIAL) && !(budgetDelta > 0)) {
      // The budget proof is an RDP bound at one order converted to (ε, δ); at δ = 0 no finite ε
      // follows, and pure-ε totals are not committed (docs/THREAT-MODEL.md).
      throw new IllegalArgumentException("budgetDelta must be in (0, 1) for a confidential ledger"
          + " (pure-epsilon budgets need transparent mode); got " + budgetDelta);
    }
    Check.notNull("grid", grid);
    Check.notNull("publicKey", publicKey);
  }

  /** Whether costs are committed rather than written in clear. */
  public boolean confidential() {
    return mode.equals(CONFIDENTIAL);
  }

  /** The canonical bytes of ledger.json. */
  public byte[] encode() {
    ObjectNode o = CanonicalJson.object();
    o.put("format", confidential() ? FORMAT_CONFIDENTIAL : FORMAT).put("origin", origin).put("created", createdMillis).put("mode", mode);
    o.putObject("budget").put("epsilon", budgetEpsilon).put("delta", budgetDelta);
    ArrayNode orders = o.putArray("orders");
    for (double a : grid.orders()) {
      orders.add(a);
    }
    o.put("fractionBits", FixedPointCost.FRACTION_BITS).put("publicKey", publicKey);
    return CanonicalJson.encode(o);
  }

  /**
   * Parses ledger.json strictly.
   *
   * @throws LedgerException with {@link Reason#MALFORMED} or {@link Reason#NON_CANONICAL}
   */
  public static LedgerGenesis decode(byte[] bytes) {
    ObjectNode node = CanonicalJson.parseCanonical(bytes, 0, "ledger.json");
    CanonicalJson.Fields f = new CanonicalJson.Fields(node, 0, "ledger.json")
        .exactly("format", "origin", "created", "mode", "budget", "orders", "fractionBits", "publicKey");
    String format = f.text("format");
    if (!format.equals(FORMAT) && !format.equals(FORMAT_CONFIDENTIAL)) {
      throw f.malformed("format must be " + FORMAT + " or " + FORMAT_CONFIDENTIAL + "; got " + format);
    }
    if (format.equals(FORMAT_CONFIDENTIAL) != f.text("mode").equals(CONFIDENTIAL)) {
      throw f.malformed("format " + format + " does not go with mode " + f.text("mode"));
    }
    if (f.integer("fractionBits") != FixedPointCost.FRACTION_BITS) {
      throw f.malformed("fractionBits must be " + FixedPointCost.FRACTION_BITS);
    }
    CanonicalJson.Fields budget = f.nested("budget").exactly("epsilon", "delta");
    ArrayNode orders = f.array("orders");
    double[] values = new double[orders.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode a = orders.get(i);
      if (!a.isDouble()) {
        throw f.malformed("orders must be numbers with a fraction");
      }
      values[i] = a.doubleValue();
    }
    try {
      return new LedgerGenesis(f.text("origin"), f.integer("created"), f.text("mode"),
          budget.number("epsilon"), budget.number("delta"), OrderGrid.of(values), f.text("publicKey"));
    } catch (IllegalArgumentException e) {
      throw f.malformed(e.getMessage());
    }
  }
}
