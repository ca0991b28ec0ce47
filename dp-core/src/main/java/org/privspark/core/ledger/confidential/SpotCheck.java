package org.privspark.core.ledger.confidential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.privspark.core.Check;
import org.privspark.core.ledger.CanonicalJson;
import org.privspark.core.ledger.CostOpening;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LedgerException;
import org.privspark.core.ledger.Reason;

/**
 * Spot checks of a confidential ledger: the auditor picks a fresh nonce after a checkpoint is
 * fixed; the entries to open are derived from the checkpoint's root and the nonce; the holder opens
 * exactly those (event and blindings), and the auditor recomputes their costs and checks the
 * commitments.
 *
 * <p><b>Sample.</b> seed = SHA-256(u32 len ‖ {@value #DOMAIN} ‖ u32 len ‖ origin ‖ u64 size ‖ u32
 * len ‖ root ‖ u32 len ‖ nonce); block j = SHA-256(seed ‖ u64 j); each block's first 8 bytes, read
 * as an unsigned integer, give an index in [1, size − 1] by rejection sampling (no modulo bias);
 * repeats are skipped until {@code count} distinct entries are drawn. Neither side chooses the
 * sample: the holder fixed the root before seeing the nonce, and the auditor cannot aim the nonce
 * at an entry without breaking SHA-256. If f of n entries understate their cost, a sample of m
 * misses all of them with probability at most (1 − f/n)^m.
 *
 * <p><b>File</b> ({@code privspark-spot-check/1}, canonical JSON): the signed checkpoint, the nonce
 * in hex, and the openings in sample order, each {@code {"seq": i, "opening": cost opening}}.
 */
public final class SpotCheck {
  static final String DOMAIN = "privspark-spot-check/1";
  static final String FORMAT = "privspark-spot-check/1";

  /** The smallest nonce the auditor may use: 16 bytes. */
  public static final int MIN_NONCE_LENGTH = 16;

  private SpotCheck() {}

  /**
   * The entries to open, sorted: {@code min(count, size − 1)} distinct indices in [1, size − 1].
   *
   * @param checkpointSize the checkpoint's tree size (entries + 1)
   */
  public static long[] sample(
      String origin, long checkpointSize, byte[] root, byte[] nonce, int count) {
    Check.notNull("origin", origin);
    Check.notNull("root", root);
    Check.notNull("nonce", nonce);
    Check.atLeastOne("checkpointSize", checkpointSize);
    if (nonce.length < MIN_NONCE_LENGTH) {
      throw new IllegalArgumentException(
          "nonce must be at least " + MIN_NONCE_LENGTH + " bytes; got " + nonce.length);
    }
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1; got " + count);
    }
    long n = checkpointSize - 1;
    int m = (int) Math.min(count, n);
    MessageDigest sha = sha256();
    frame(sha, DOMAIN.getBytes(StandardCharsets.US_ASCII));
    frame(sha, origin.getBytes(StandardCharsets.UTF_8));
    sha.update(ByteBuffer.allocate(8).putLong(checkpointSize).array());
    frame(sha, root);
    frame(sha, nonce);
    byte[] seed = sha.digest();
    // The largest multiple of n representable in 64 unsigned bits: draws at or above it are
    // rejected.
    long limit = n == 0 ? 0 : -1L - Long.remainderUnsigned(-1L, n); // 2^64 − 1 − (2^64 − 1 mod n)
    TreeSet<Long> chosen = new TreeSet<>();
    for (long j = 0; chosen.size() < m; j++) {
      sha.update(seed);
      byte[] block = sha.digest(ByteBuffer.allocate(8).putLong(j).array());
      long x = ByteBuffer.wrap(block, 0, 8).getLong();
      if (Long.compareUnsigned(x, limit) >= 0) {
        continue;
      }
      chosen.add(1 + Long.remainderUnsigned(x, n));
    }
    return chosen.stream().mapToLong(Long::longValue).toArray();
  }

  /** One opened entry. */
  public record Opened(long seq, CostOpening opening) {}

  /** A parsed spot-check file. */
  public record Response(String checkpoint, byte[] nonce, List<Opened> openings) {
    public Response {
      nonce = nonce.clone();
      openings = List.copyOf(openings);
    }

    @Override
    public byte[] nonce() {
      return nonce.clone();
    }
  }

  /**
   * The holder's side: opens the sample for the ledger's current checkpoint and {@code nonce}.
   *
   * @throws IllegalArgumentException if the ledger is not confidential or has no entries
   * @throws LedgerException if an opening is missing or does not match its entry
   */
  public static byte[] open(Ledger ledger, byte[] nonce, int count) {
    Check.notNull("ledger", ledger);
    synchronized (ledger) {
      Ledger.Snapshot now = ledger.snapshot();
      if (!now.genesis().confidential()) {
        throw new IllegalArgumentException(
            "spot checks are for confidential ledgers; this one is " + now.genesis().mode());
      }
      long size = now.size();
      if (size < 2) {
        throw new IllegalArgumentException("the ledger has no entries to open");
      }
      long[] sample = sample(now.genesis().origin(), size, now.root(), nonce, count);
      ObjectNode o = CanonicalJson.object();
      o.put("format", FORMAT)
          .put("checkpoint", now.checkpoint())
          .put("nonce", CanonicalJson.hex(nonce));
      ArrayNode openings = o.putArray("openings");
      for (long seq : sample) {
        LedgerEntry entry = ledger.entry(seq);
        CostOpening opening =
            ledger
                .openings()
                .loadCost(entry.releaseId())
                .orElseThrow(
                    () ->
                        new LedgerException(
                            Reason.OPENING_MISMATCH,
                            seq,
                            "no cost opening is kept for entry " + seq));
        ObjectNode item = openings.addObject();
        item.put("seq", seq);
        item.set("opening", opening.toJson());
      }
      return CanonicalJson.encode(o);
    }
  }

  /** Parses a spot-check file strictly. */
  public static Response decode(byte[] bytes) {
    ObjectNode node =
        CanonicalJson.parseCanonical(
            bytes, -1, "spot-check file", CanonicalJson.DoubleRule.CANONICAL_OR_LEGACY);
    CanonicalJson.Fields f =
        new CanonicalJson.Fields(node, -1, "spot-check file")
            .exactly("format", "checkpoint", "nonce", "openings");
    if (!f.text("format").equals(FORMAT)) {
      throw f.malformed("format must be " + FORMAT);
    }
    String nonceHex = f.text("nonce");
    if (nonceHex.length() % 2 != 0 || nonceHex.length() < 2 * MIN_NONCE_LENGTH) {
      throw f.malformed("nonce must be at least " + MIN_NONCE_LENGTH + " bytes of hex");
    }
    byte[] nonce = f.hex("nonce", nonceHex.length() / 2);
    List<Opened> opened = new ArrayList<>();
    for (JsonNode item : f.array("openings")) {
      if (!item.isObject()) {
        throw f.malformed("openings must be objects");
      }
      CanonicalJson.Fields i =
          new CanonicalJson.Fields((ObjectNode) item, -1, "spot-check opening")
              .exactly("seq", "opening");
      opened.add(
          new Opened(
              i.integer("seq"), CostOpening.fromJson(i.object("opening"), i.integer("seq"))));
    }
    return new Response(f.text("checkpoint"), nonce, opened);
  }

  /** Whether {@code response} opens exactly {@code sample}, in order. */
  public static boolean covers(Response response, long[] sample) {
    long[] seqs = response.openings().stream().mapToLong(Opened::seq).toArray();
    return Arrays.equals(seqs, sample);
  }

  private static void frame(MessageDigest sha, byte[] value) {
    sha.update(ByteBuffer.allocate(4).putInt(value.length).array());
    sha.update(value);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
