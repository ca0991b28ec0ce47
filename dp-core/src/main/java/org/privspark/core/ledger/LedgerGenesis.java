package org.privspark.core.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.privspark.core.Check;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyUnit;

/**
 * ledger.json: what a ledger is. It is leaf 0 of the ledger's Merkle tree, so every signed
 * checkpoint commits to it, and entry 1 chains to its hash: editing the budget, the order grid or
 * the key afterwards breaks both.
 *
 * @param origin the checkpoint origin (C2SP tlog-checkpoint), unique per ledger
 * @param createdMillis creation time, milliseconds since the epoch (UTC)
 * @param mode "transparent" (costs in clear) or "confidential" (costs in Pedersen commitments;
 *     needs a budget δ &gt; 0, see docs/LEDGER-FORMAT.md §10)
 * @param budgetEpsilon the budget's ε
 * @param budgetDelta the budget's δ
 * @param grid the RDP orders every cost is given on, at most {@value #MAX_ORDERS}
 * @param publicKey the checkpoint signer's verifier key, in signed-note form (name+id+key)
 * @param formatVersion the ledger's format version (docs/LEDGER-FORMAT.md §9): 1 (transparent) and
 *     2 (confidential) for ledgers written before doubles had one text on every JDK and before
 *     costs were rounded up; 3, either mode, for ledgers that declare no privacy unit; {@value
 *     #CURRENT_VERSION}, either mode, for new ledgers
 * @param unit whom the budget protects: present from version {@value #FIRST_UNIT_VERSION} on, null
 *     before (such a ledger's entries claim no unit)
 * @param accountant how the budget composes the entries' events (docs/LEDGER-FORMAT.md §4.1):
 *     {@link Accountant#RDP}, written as no field (every ledger before the field existed), or
 *     {@link Accountant#PLD}, written as {@code "accountant": "pld"}, only in a transparent ledger
 *     of version {@value #FIRST_UNIT_VERSION} or later
 */
public record LedgerGenesis(
    String origin,
    long createdMillis,
    String mode,
    double budgetEpsilon,
    double budgetDelta,
    OrderGrid grid,
    String publicKey,
    int formatVersion,
    PrivacyUnit unit,
    Accountant accountant) {
  static final String FORMAT_PREFIX = "privspark-ledger/";

  /** The version new ledgers are written in: doubles in the canonical text only (§3.1). */
  public static final int CURRENT_VERSION = 4;

  /** The first version whose genesis declares the privacy unit and whose entries claim it. */
  public static final int FIRST_UNIT_VERSION = 4;

  /** The first version whose files hold doubles in the canonical text only. */
  static final int FIRST_CANONICAL_DOUBLES_VERSION = 3;

  /** The first version whose costs were written rounded up; earlier writers rounded to nearest. */
  static final int FIRST_ROUNDED_UP_COSTS_VERSION = 3;

  /**
   * The most orders a ledger's grid may have: every cost is recomputed at each order, so the grid
   * bounds the work of verifying one entry (docs/LEDGER-FORMAT.md §4). The default grid has 156.
   */
  public static final int MAX_ORDERS = 1024;

  public static final String TRANSPARENT = "transparent";
  public static final String CONFIDENTIAL = "confidential";

  /** A genesis in the current format version, protecting {@code unit}, on the RDP accountant. */
  public LedgerGenesis(
      String origin,
      long createdMillis,
      String mode,
      double budgetEpsilon,
      double budgetDelta,
      OrderGrid grid,
      String publicKey,
      PrivacyUnit unit) {
    this(
        origin,
        createdMillis,
        mode,
        budgetEpsilon,
        budgetDelta,
        grid,
        publicKey,
        CURRENT_VERSION,
        Check.notNull("unit", unit),
        Accountant.RDP);
  }

  /**
   * A genesis of format {@code formatVersion} on the RDP accountant (every ledger written before
   * the accountant could be chosen, and tests that rewrite one).
   */
  public LedgerGenesis(
      String origin,
      long createdMillis,
      String mode,
      double budgetEpsilon,
      double budgetDelta,
      OrderGrid grid,
      String publicKey,
      int formatVersion,
      PrivacyUnit unit) {
    this(
        origin,
        createdMillis,
        mode,
        budgetEpsilon,
        budgetDelta,
        grid,
        publicKey,
        formatVersion,
        unit,
        Accountant.RDP);
  }

  /**
   * A genesis of a version before {@value #FIRST_UNIT_VERSION}, which declares no unit (for ledgers
   * written by earlier versions, and tests of them).
   */
  public LedgerGenesis(
      String origin,
      long createdMillis,
      String mode,
      double budgetEpsilon,
      double budgetDelta,
      OrderGrid grid,
      String publicKey,
      int formatVersion) {
    this(
        origin,
        createdMillis,
        mode,
        budgetEpsilon,
        budgetDelta,
        grid,
        publicKey,
        formatVersion,
        null,
        Accountant.RDP);
  }

  public LedgerGenesis {
    Check.notNull("origin", origin);
    if (!origin.matches("[\\x21-\\x2a\\x2c-\\x7e]{1,200}")) {
      throw new IllegalArgumentException(
          "origin must be 1 to 200 printable ASCII characters, without"
              + " spaces or '+' (it names the signing key too); got '"
              + origin
              + "'");
    }
    Check.notNull("mode", mode);
    if (!mode.equals(TRANSPARENT) && !mode.equals(CONFIDENTIAL)) {
      throw new IllegalArgumentException(
          "mode must be " + TRANSPARENT + " or " + CONFIDENTIAL + "; got " + mode);
    }
    Check.positiveFinite("budgetEpsilon", budgetEpsilon);
    Check.inHalfOpen("budgetDelta", budgetDelta, 0.0, 1.0);
    if (mode.equals(CONFIDENTIAL) && !(budgetDelta > 0)) {
      // The budget proof is an RDP bound at one order converted to (ε, δ); at δ = 0 no finite ε
      // follows, and pure-ε totals are not committed (docs/THREAT-MODEL.md).
      throw new IllegalArgumentException(
          "budgetDelta must be in (0, 1) for a confidential ledger"
              + " (pure-epsilon budgets need transparent mode); got "
              + budgetDelta);
    }
    Check.notNull("grid", grid);
    if (grid.size() > MAX_ORDERS) {
      throw new IllegalArgumentException(
          "grid must have at most "
              + MAX_ORDERS
              + " orders for a ledger (each"
              + " order is a cost every auditor recomputes for every entry); got "
              + grid.size());
    }
    Check.notNull("publicKey", publicKey);
    checkVersion(formatVersion, mode);
    if ((unit != null) != (formatVersion >= FIRST_UNIT_VERSION)) {
      throw new IllegalArgumentException(
          "unit must be given from format "
              + FORMAT_PREFIX
              + FIRST_UNIT_VERSION
              + " on, and only then; got "
              + (unit == null ? "none" : "one")
              + " for "
              + FORMAT_PREFIX
              + formatVersion);
    }
    Check.notNull("accountant", accountant);
    if (accountant != Accountant.RDP && mode.equals(CONFIDENTIAL)) {
      // The budget proof shows an RDP bound at one order in zero knowledge; no proof of a PLD
      // composition over committed events exists here (docs/LEDGER-FORMAT.md §10).
      throw new IllegalArgumentException(
          "accountant must be rdp for a confidential ledger (its budget proof is an RDP bound;"
              + " the PLD accountant needs transparent mode); got "
              + accountant.id());
    }
    if (accountant == Accountant.PLD && !(budgetDelta > 0)) {
      // The PLD accountant reads ε(δ) with δ in (0, 1) (its δ carries a positive error bound):
      // at δ = 0 every spend would be refused, so refuse the ledger at creation.
      throw new IllegalArgumentException(
          "budgetDelta must be in (0, 1) for a PLD ledger (pure-epsilon budgets need the rdp"
              + " accountant); got "
              + budgetDelta);
    }
    if (accountant != Accountant.RDP && formatVersion < FIRST_UNIT_VERSION) {
      throw new IllegalArgumentException(
          "accountant must be rdp in format "
              + FORMAT_PREFIX
              + formatVersion
              + " (the field exists from "
              + FORMAT_PREFIX
              + FIRST_UNIT_VERSION
              + " on); got "
              + accountant.id());
    }
  }

  /** Whether the ledger declares its privacy unit, and its entries claim it. */
  public boolean declaresUnit() {
    return unit != null;
  }

  /**
   * Versions 1 and 2 tie the version to the mode (1 transparent, 2 confidential); from version 3
   * on, one version covers both modes and {@code mode} says which.
   */
  private static void checkVersion(int version, String mode) {
    if (version < 1 || version > CURRENT_VERSION) {
      throw new IllegalArgumentException(
          "formatVersion must be in [1, " + CURRENT_VERSION + "]; got " + version);
    }
    if (version == 1 && !mode.equals(TRANSPARENT) || version == 2 && !mode.equals(CONFIDENTIAL)) {
      throw new IllegalArgumentException(
          "format " + FORMAT_PREFIX + version + " does not go with mode " + mode);
    }
  }

  /** Which texts of a double the ledger's files may hold (docs/LEDGER-FORMAT.md §3.1). */
  CanonicalJson.DoubleRule doubleRule() {
    return formatVersion < FIRST_CANONICAL_DOUBLES_VERSION
        ? CanonicalJson.DoubleRule.CANONICAL_OR_LEGACY
        : CanonicalJson.DoubleRule.CANONICAL;
  }

  /**
   * Whether recorded and committed costs must equal today's recomputation bit for bit. False for
   * versions 1 and 2, written when costs were rounded to nearest: their values are held to {@link
   * LegacyCost}'s tolerance (docs/LEDGER-FORMAT.md §9.1).
   */
  boolean exactCosts() {
    return formatVersion >= FIRST_ROUNDED_UP_COSTS_VERSION;
  }

  /** Whether costs are committed rather than written in clear. */
  public boolean confidential() {
    return mode.equals(CONFIDENTIAL);
  }

  /** The canonical bytes of ledger.json. */
  public byte[] encode() {
    ObjectNode o = CanonicalJson.object();
    o.put("format", FORMAT_PREFIX + formatVersion)
        .put("origin", origin)
        .put("created", createdMillis)
        .put("mode", mode);
    o.putObject("budget").put("epsilon", budgetEpsilon).put("delta", budgetDelta);
    ArrayNode orders = o.putArray("orders");
    for (double a : grid.orders()) {
      orders.add(a);
    }
    o.put("fractionBits", FixedPointCost.FRACTION_BITS).put("publicKey", publicKey);
    if (unit != null) {
      o.putObject("unit").put("name", unit.name()).put("definition", unit.definition());
    }
    if (accountant != Accountant.RDP) {
      // Absent means rdp: an RDP ledger's bytes are those of every ledger before the field.
      o.put("accountant", accountant.id());
    }
    return CanonicalJson.encode(o);
  }

  /**
   * Parses ledger.json strictly, with the double texts its version allows.
   *
   * @throws LedgerException with {@link Reason#MALFORMED} (an unknown version included) or {@link
   *     Reason#NON_CANONICAL}
   */
  public static LedgerGenesis decode(byte[] bytes) {
    // The version decides which double texts are canonical: read leniently, then hold a file of a
    // version with one text per double to that text.
    ObjectNode node =
        CanonicalJson.parseCanonical(
            bytes, 0, "ledger.json", CanonicalJson.DoubleRule.CANONICAL_OR_LEGACY);
    CanonicalJson.Fields f = new CanonicalJson.Fields(node, 0, "ledger.json");
    // The version first: it decides the fields, and an unknown one is named as such.
    String format = f.text("format");
    int version = version(format);
    if (version < 0) {
      throw f.malformed(
          "format must be "
              + FORMAT_PREFIX
              + "N with N in [1, "
              + CURRENT_VERSION
              + "] (a newer version needs a newer PrivSpark); got "
              + format);
    }
    boolean hasAccountant = node.has("accountant");
    if (version >= FIRST_UNIT_VERSION && hasAccountant) {
      f.exactly(
          "format",
          "origin",
          "created",
          "mode",
          "budget",
          "orders",
          "fractionBits",
          "publicKey",
          "unit",
          "accountant");
    } else if (version >= FIRST_UNIT_VERSION) {
      f.exactly(
          "format",
          "origin",
          "created",
          "mode",
          "budget",
          "orders",
          "fractionBits",
          "publicKey",
          "unit");
    } else {
      f.exactly(
          "format", "origin", "created", "mode", "budget", "orders", "fractionBits", "publicKey");
    }
    if (version >= FIRST_CANONICAL_DOUBLES_VERSION) {
      CanonicalJson.parseCanonical(bytes, 0, "ledger.json", CanonicalJson.DoubleRule.CANONICAL);
    }
    if (f.integer("fractionBits") != FixedPointCost.FRACTION_BITS) {
      throw f.malformed("fractionBits must be " + FixedPointCost.FRACTION_BITS);
    }
    CanonicalJson.Fields budget = f.nested("budget").exactly("epsilon", "delta");
    ArrayNode orders = f.array("orders");
    if (orders.size() > MAX_ORDERS) {
      throw f.malformed("orders must hold at most " + MAX_ORDERS + " orders; got more");
    }
    double[] values = new double[orders.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode a = orders.get(i);
      if (!a.isDouble()) {
        throw f.malformed("orders must be numbers with a fraction");
      }
      values[i] = a.doubleValue();
    }
    PrivacyUnit unit = version >= FIRST_UNIT_VERSION ? unit(f.nested("unit")) : null;
    Accountant accountant = hasAccountant ? accountant(f) : Accountant.RDP;
    try {
      return new LedgerGenesis(
          f.text("origin"),
          f.integer("created"),
          f.text("mode"),
          budget.number("epsilon"),
          budget.number("delta"),
          OrderGrid.of(values),
          f.text("publicKey"),
          version,
          unit,
          accountant);
    } catch (IllegalArgumentException e) {
      throw f.malformed(e.getMessage());
    }
  }

  /**
   * The accountant field: "pld" only, since rdp is written as no field (one encoding per genesis).
   * Any other value is a finding, named without quoting it (an auditor prints no unverified text):
   * a reader that guessed an accountant would recompute the budget under a rule the writer did not
   * use.
   */
  private static Accountant accountant(CanonicalJson.Fields f) {
    String id = f.text("accountant");
    if (!id.equals(Accountant.PLD.id())) {
      throw f.malformed(
          "accountant must be \""
              + Accountant.PLD.id()
              + "\" or absent (absent means rdp; a ledger on another accountant needs a newer"
              + " PrivSpark)");
    }
    return Accountant.PLD;
  }

  /**
   * The unit object, held to {@link PrivacyUnit}'s rules; the message quotes none of it (an auditor
   * prints no unverified text).
   */
  private static PrivacyUnit unit(CanonicalJson.Fields u) {
    u.exactly("name", "definition");
    String name = u.unitName("name");
    String definition = u.text("definition");
    try {
      return new PrivacyUnit(name, definition);
    } catch (IllegalArgumentException e) {
      throw u.malformed(
          "definition must be at most "
              + PrivacyUnit.MAX_DEFINITION
              + " characters without control, format or separator characters");
    }
  }

  /** N of "privspark-ledger/N" for a known N, else −1. */
  private static int version(String format) {
    for (int v = 1; v <= CURRENT_VERSION; v++) {
      if (format.equals(FORMAT_PREFIX + v)) {
        return v;
      }
    }
    return -1;
  }
}
