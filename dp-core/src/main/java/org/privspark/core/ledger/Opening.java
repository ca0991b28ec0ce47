package org.privspark.core.ledger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * What opens one entry's commitments: its salts and the plain {@link ReleaseDetails}. The holder
 * keeps one per entry (in an {@link OpeningStore}) and hands a single one to an auditor, who checks
 * it against that entry without learning anything about the others.
 *
 * @param releaseId the release id of the entry it opens
 * @param salts one 32-byte salt per detail (query, parameters, dataset, result)
 * @param details the plain details
 */
public record Opening(byte[] releaseId, byte[][] salts, ReleaseDetails details) {
  static final String FORMAT = "privspark-opening/1";

  static Opening fresh(byte[] releaseId, ReleaseDetails details, SecureRandom random) {
    byte[][] salts = new byte[ReleaseDetails.LABELS.length][Commitments.SALT_LENGTH];
    for (byte[] salt : salts) {
      random.nextBytes(salt);
    }
    return new Opening(releaseId.clone(), salts, details);
  }

  /** The commitments this opening opens. */
  byte[][] commitments() {
    byte[][] digests = new byte[salts.length][];
    for (int i = 0; i < salts.length; i++) {
      digests[i] = Commitments.commit(ReleaseDetails.LABELS[i], salts[i], details.get(i));
    }
    return digests;
  }

  /** Whether this opening matches the entry: same release id and the same four commitments. */
  public boolean opens(LedgerEntry entry) {
    return Arrays.equals(releaseId, entry.releaseId())
        && Commitments.equal(commitments(), entry.commitments());
  }

  /** The opening file's bytes (canonical JSON). */
  public byte[] encode() {
    ObjectNode o = CanonicalJson.object();
    o.put("format", FORMAT).put("releaseId", CanonicalJson.hex(releaseId));
    ObjectNode s = o.putObject("salts");
    ObjectNode v = o.putObject("values");
    for (int i = 0; i < salts.length; i++) {
      s.put(ReleaseDetails.LABELS[i], CanonicalJson.hex(salts[i]));
      v.put(ReleaseDetails.LABELS[i], details.get(i));
    }
    return CanonicalJson.encode(o);
  }

  /**
   * Parses an opening file strictly.
   *
   * @throws LedgerException with {@link Reason#MALFORMED} or {@link Reason#NON_CANONICAL}
   */
  public static Opening decode(byte[] bytes) {
    ObjectNode node =
        CanonicalJson.parseCanonical(
            bytes, -1, "opening", CanonicalJson.DoubleRule.CANONICAL_OR_LEGACY);
    CanonicalJson.Fields f =
        new CanonicalJson.Fields(node, -1, "opening")
            .exactly("format", "releaseId", "salts", "values");
    if (!f.text("format").equals(FORMAT)) {
      throw f.malformed("format must be " + FORMAT);
    }
    CanonicalJson.Fields s = f.nested("salts").exactly(ReleaseDetails.LABELS);
    CanonicalJson.Fields v = f.nested("values").exactly(ReleaseDetails.LABELS);
    byte[][] salts = new byte[ReleaseDetails.LABELS.length][];
    String[] values = new String[salts.length];
    for (int i = 0; i < salts.length; i++) {
      salts[i] = s.hex(ReleaseDetails.LABELS[i], Commitments.SALT_LENGTH);
      values[i] = v.text(ReleaseDetails.LABELS[i]);
    }
    return new Opening(
        f.hex("releaseId", LedgerEntry.RELEASE_ID_LENGTH),
        salts,
        new ReleaseDetails(values[0], values[1], values[2], values[3]));
  }

  @Override
  public String toString() {
    return "Opening[releaseId=" + CanonicalJson.hex(releaseId) + ", details=" + details + "]";
  }

  /** For messages: the opening as UTF-8 JSON. */
  String json() {
    return new String(encode(), StandardCharsets.UTF_8);
  }
}
