package org.privspark.core.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.privspark.core.accounting.PrivacyEvent;

/**
 * One recorded spend: entries/NNNNNNNNNNNNNNNNNNNN.json, leaf {@code seq} of the ledger's tree.
 *
 * @param seq the sequence number, from 1 (leaf 0 is ledger.json)
 * @param timeMillis when it was recorded, milliseconds since the epoch; never before the previous
 * @param origin the ledger's origin
 * @param previousLeafHash the RFC 9162 leaf hash of leaf seq − 1
 * @param releaseId 16 random bytes naming the release, unique in the ledger
 * @param mechanism a short name for the kind of release ("private-aggregation", "dp-sgd", …)
 * @param event the mechanism with its exact parameters
 * @param cost the cost of {@code event} on the ledger's grid (an auditor recomputes it)
 * @param commitments salted commitments to the release's details (query, parameters, dataset,
 *     result), in that order
 */
public record LedgerEntry(
    long seq, long timeMillis, String origin, byte[] previousLeafHash, byte[] releaseId,
    String mechanism, PrivacyEvent event, FixedPointCost cost, byte[][] commitments) {
  static final String FORMAT = "privspark-entry/1";
  static final int RELEASE_ID_LENGTH = 16;

  /** The entry's file, relative to the ledger's root. */
  public static String path(long seq) {
    return "entries/" + LedgerLayout.digits20(seq) + ".json";
  }

  /** The canonical bytes of the entry file. */
  public byte[] encode() {
    ObjectNode o = CanonicalJson.object();
    o.put("format", FORMAT).put("seq", seq).put("time", timeMillis).put("origin", origin)
        .put("previous", CanonicalJson.hex(previousLeafHash)).put("releaseId", CanonicalJson.hex(releaseId))
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
    return CanonicalJson.encode(o);
  }

  /** Parses an entry file strictly; {@code index} is the leaf the file should be. */
  public static LedgerEntry decode(byte[] bytes, long index) {
    String what = LedgerEntry.path(index);
    ObjectNode node = CanonicalJson.parseCanonical(bytes, index, what);
    CanonicalJson.Fields f = new CanonicalJson.Fields(node, index, what).exactly(
        "format", "seq", "time", "origin", "previous", "releaseId", "mechanism", "event", "cost", "commitments");
    if (!f.text("format").equals(FORMAT)) {
      throw f.malformed("format must be " + FORMAT);
    }
    CanonicalJson.Fields c = f.nested("cost").exactly("fractionBits", "rdp", "pureEpsilon", "delta");
    if (c.integer("fractionBits") != FixedPointCost.FRACTION_BITS) {
      throw c.malformed("fractionBits must be " + FixedPointCost.FRACTION_BITS);
    }
    ArrayNode rdpNode = c.array("rdp");
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
    return new LedgerEntry(f.integer("seq"), f.integer("time"), f.text("origin"), f.hex("previous", 32),
        f.hex("releaseId", RELEASE_ID_LENGTH), f.text("mechanism"), EventCodec.decode(f.object("event"), index),
        cost, Commitments.decode(f.nested("commitments")));
  }
}
