package org.privspark.core.ledger.confidential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.privspark.core.Check;
import org.privspark.core.ledger.CanonicalJson;
import org.privspark.core.ledger.LedgerException;
import org.privspark.core.ledger.Reason;
import org.privspark.core.zk.ProofContext;
import org.privspark.core.zk.RangeProof;

/**
 * A confidential ledger's budget proof at one revealed order α* (docs/LEDGER-FORMAT.md §10.4): for
 * the checkpoint it names, one range proof per entry i that C_i(α*) opens to a value in [0,
 * 2^{@value #ENTRY_BITS}), and one range proof that T(α*)·G − Σ C_i(α*) opens to a value in [0,
 * 2^{@value #SLACK_BITS}), where T is {@link BudgetThreshold}.
 *
 * <p>File ({@code privspark-budget-proof/1}, canonical JSON): {@code checkpoint} (the signed note),
 * {@code order} (α*, a double), {@code entryProofs} (base64, entry 1 first) and {@code slackProof}
 * (base64; empty for a ledger without entries).
 *
 * @param checkpoint the signed checkpoint the proof is bound to
 * @param order α*
 * @param entryProofs the per-entry range proofs, entry 1 first
 * @param slackProof the budget-slack range proof (empty when there are no entries)
 */
public record BudgetProof(
    String checkpoint, double order, List<byte[]> entryProofs, byte[] slackProof) {
  static final String FORMAT = "privspark-budget-proof/1";

  /**
   * k of the per-entry range proofs: each committed cost at α* is below 2^48, i.e. 256 in RDP
   * units.
   */
  public static final int ENTRY_BITS = 48;

  /** k of the slack proof: T(α*) − Σ v_i ∈ [0, 2^64). T is below 2^62, so an honest slack fits. */
  public static final int SLACK_BITS = 64;

  /**
   * The entry index the slack proof's {@link ProofContext} names: leaf 0, the genesis (the budget).
   */
  public static final long SLACK_INDEX = 0;

  public BudgetProof {
    Check.notNull("checkpoint", checkpoint);
    Check.notNull("entryProofs", entryProofs);
    Check.notNull("slackProof", slackProof);
    List<byte[]> copy = new ArrayList<>();
    for (byte[] p : entryProofs) {
      copy.add(Check.notNull("entryProofs[]", p).clone());
    }
    entryProofs = List.copyOf(copy);
    slackProof = slackProof.clone();
  }

  @Override
  public List<byte[]> entryProofs() {
    List<byte[]> copy = new ArrayList<>();
    entryProofs.forEach(p -> copy.add(p.clone()));
    return copy;
  }

  @Override
  public byte[] slackProof() {
    return slackProof.clone();
  }

  /** The context of entry {@code index}'s proof (or the slack proof's, index 0). */
  public static ProofContext context(
      String origin, long checkpointSize, byte[] root, long index, double order) {
    return new ProofContext(origin, checkpointSize, root, index, order);
  }

  /** The file's bytes. */
  public byte[] encode() {
    ObjectNode o = CanonicalJson.object();
    o.put("format", FORMAT).put("checkpoint", checkpoint).put("order", order);
    ArrayNode proofs = o.putArray("entryProofs");
    for (byte[] p : entryProofs) {
      proofs.add(Base64.getEncoder().encodeToString(p));
    }
    o.put("slackProof", Base64.getEncoder().encodeToString(slackProof));
    return CanonicalJson.encode(o);
  }

  /**
   * Parses a budget-proof file strictly (proof bytes are checked for length here, and decoded as
   * points and scalars by the verifier).
   *
   * @throws LedgerException {@link Reason#MALFORMED} or {@link Reason#NON_CANONICAL}
   */
  public static BudgetProof decode(byte[] bytes) {
    ObjectNode node =
        CanonicalJson.parseCanonical(
            bytes, -1, "budget proof", CanonicalJson.DoubleRule.CANONICAL_OR_LEGACY);
    CanonicalJson.Fields f =
        new CanonicalJson.Fields(node, -1, "budget proof")
            .exactly("format", "checkpoint", "order", "entryProofs", "slackProof");
    if (!f.text("format").equals(FORMAT)) {
      throw f.malformed("format must be " + FORMAT);
    }
    List<byte[]> proofs = new ArrayList<>();
    for (JsonNode p : f.array("entryProofs")) {
      if (!p.isTextual()) {
        throw f.malformed("entryProofs must be base64 strings");
      }
      byte[] proof = base64(f, p.textValue(), "entry proof " + (proofs.size() + 1));
      if (proof.length != RangeProof.length(ENTRY_BITS)) {
        throw f.malformed(
            "entry proof "
                + (proofs.size() + 1)
                + " must be "
                + RangeProof.length(ENTRY_BITS)
                + " bytes; got "
                + proof.length);
      }
      proofs.add(proof);
    }
    byte[] slack = base64(f, f.text("slackProof"), "slackProof");
    if (slack.length != (proofs.isEmpty() ? 0 : RangeProof.length(SLACK_BITS))) {
      throw f.malformed(
          "slackProof must be "
              + (proofs.isEmpty() ? 0 : RangeProof.length(SLACK_BITS))
              + " bytes; got "
              + slack.length);
    }
    return new BudgetProof(f.text("checkpoint"), f.number("order"), proofs, slack);
  }

  private static byte[] base64(CanonicalJson.Fields f, String text, String what) {
    byte[] b;
    try {
      b = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw f.malformed(what + " is not base64");
    }
    // One encoding per proof: padding bits must be zero, so re-encoding gives the same text.
    if (!Base64.getEncoder().encodeToString(b).equals(text)) {
      throw f.malformed(what + " is not canonical base64");
    }
    return b;
  }

  @Override
  public String toString() {
    return "BudgetProof[order=" + order + ", " + entryProofs.size() + " entry proofs]";
  }
}
