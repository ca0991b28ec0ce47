package org.privspark.core.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.privspark.core.Check;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.pld.PldTotal;
import org.privspark.core.ledger.FixedPointCost;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LedgerException;
import org.privspark.core.ledger.LedgerGenesis;
import org.privspark.core.ledger.LedgerLayout;
import org.privspark.core.ledger.LedgerReplay;
import org.privspark.core.ledger.LedgerStore;
import org.privspark.core.ledger.Reason;
import org.privspark.core.ledger.merkle.MerkleTree;
import org.privspark.core.ledger.note.Checkpoint;
import org.privspark.core.ledger.note.NoteVerificationException;
import org.privspark.core.ledger.note.NoteVerifier;
import org.privspark.core.ledger.note.SignedNotes;
import org.privspark.core.ledger.note.VerifiedNote;

/**
 * The auditor's verification of a whole ledger. Trusts nothing it reads: only the public key (given
 * by the auditor, not taken from the ledger) and the checkpoints the auditor saved earlier.
 *
 * <p>The structure first: the files (ledger.json present, entries 1..n without gaps), each read
 * once, parsed and hashed, and the chain of previous-leaf hashes ({@link LedgerReplay#read}); the
 * newest signed checkpoint in heads/ (signature, root of all n + 1 leaves, origin); each saved
 * checkpoint (signature, and the ledger's tree at its size has its root: the ledger only grew
 * since). Only then the content, judged from the entries already read ({@link LedgerReplay#judge}):
 * ledger.json names the expected key; each entry is canonical, within the limits of a recorded
 * event, has its sequence number, origin, a time not before the previous, a new release id, the
 * cost recomputed from its mechanism, and a running total within budget under the accountant
 * ledger.json names (absent: RDP; "pld": the PLD composition of the entries' events; any other
 * value fails as {@link Reason#MALFORMED}). Until the signed checkpoint covers a leaf its content
 * is whatever the store says, so a storage attacker chooses neither the reason (nor the figures) of
 * a rejection nor the work done before it: no cost is computed for a ledger whose structure fails.
 * A rejection carries no figure of the ledger.
 */
public final class LedgerVerifier {
  private static final HexFormat HEX = HexFormat.of();

  private final NoteVerifier key;

  /** A verifier that trusts only checkpoints signed by {@code key}. */
  public LedgerVerifier(NoteVerifier key) {
    this.key = Check.notNull("key", key);
  }

  /** Verifies the ledger in {@code store} and every checkpoint in {@code savedCheckpoints}. */
  public AuditReport verify(LedgerStore store, List<String> savedCheckpoints) {
    return verify(store, savedCheckpoints, (g, e) -> {}).report();
  }

  /**
   * {@link #verify(LedgerStore, List)}, handing each entry to {@code onEntry} as its content is
   * accepted, which is only once the signed checkpoints cover it: the entries as this one read of
   * their files gave them, verified when the report is intact (and to be ignored otherwise: a later
   * entry may break a rule). A caller that needs an entry's content takes it here rather than
   * reading its file again, which a changing store could answer differently.
   */
  public AuditReport verify(
      LedgerStore store, List<String> savedCheckpoints, Consumer<LedgerEntry> onEntry) {
    Check.notNull("onEntry", onEntry);
    return verify(store, savedCheckpoints, (g, e) -> onEntry.accept(e)).report();
  }

  /** A verification's report, with the replayed state when the ledger is intact (else null). */
  record Outcome(AuditReport report, LedgerReplay replay) {}

  /**
   * {@link #verify}, handing each accepted entry to {@code onEntry} with the ledger's genesis (the
   * confidential checks). Both come from the one read of each file; they are verified once the
   * outcome says intact, and must not be used otherwise.
   */
  Outcome verify(
      LedgerStore store,
      List<String> savedCheckpoints,
      BiConsumer<LedgerGenesis, LedgerEntry> onEntry) {
    Check.notNull("store", store);
    Check.notNull("savedCheckpoints", savedCheckpoints);
    Progress progress = new Progress();
    try {
      LedgerReplay replay = run(store, savedCheckpoints, progress, onEntry);
      return new Outcome(progress.report(true, null, -1, "intact"), replay);
    } catch (LedgerException e) {
      return new Outcome(progress.report(false, e.reason(), e.index(), e.getMessage()), null);
    }
  }

  private LedgerReplay run(
      LedgerStore store,
      List<String> savedCheckpoints,
      Progress progress,
      BiConsumer<LedgerGenesis, LedgerEntry> onEntry) {
    byte[] genesisBytes =
        read(store, LedgerLayout.GENESIS).orElseThrow(() -> noLedger(store, savedCheckpoints));
    // ledger.json's content, like each entry's, is judged only once the checkpoints vouch for its
    // bytes: until then a storage attacker could choose what it says (the budget, the key).
    LedgerGenesis genesis = null;
    LedgerException genesisFinding = null;
    try {
      genesis = LedgerGenesis.decode(genesisBytes);
      if (!genesis.publicKey().equals(key.encode())) {
        genesisFinding =
            new LedgerException(
                Reason.UNKNOWN_KEY,
                0,
                "ledger.json names key "
                    + genesis.publicKey()
                    + ", not the auditor's key "
                    + key.encode());
      }
    } catch (LedgerException e) {
      genesisFinding = e;
    }
    LedgerReplay replay = null;
    MerkleTree tree;
    if (genesis != null) {
      replay = new LedgerReplay(genesis, genesisBytes);
      tree = replay.tree();
    } else {
      // Without a ledger.json that parses, no entry can be judged: the leaves are only hashed.
      tree = new MerkleTree();
      tree.appendLeafData(genesisBytes);
    }

    long expected = 1;
    for (String name : list(store, LedgerLayout.ENTRIES)) {
      long seq = LedgerLayout.entrySeq(name);
      if (seq < 0) {
        throw new LedgerException(
            Reason.MALFORMED, expected, "entries/" + name + " is not an entry file name");
      }
      if (seq != expected) {
        throw new LedgerException(
            Reason.MISSING_ENTRY, expected, LedgerEntry.path(expected) + " is missing");
      }
      byte[] bytes =
          read(store, LedgerEntry.path(seq))
              .orElseThrow(
                  () -> new LedgerException(Reason.MISSING_ENTRY, seq, "vanished while reading"));
      if (replay == null) {
        tree.appendLeafData(bytes);
      } else {
        replay.read(bytes); // parsed, chained and hashed; the content waits for the checkpoints
      }
      expected++;
    }

    long size = tree.size();
    List<String> heads = list(store, LedgerLayout.HEADS);
    long newest = -1;
    for (String name : heads) {
      long headSize = LedgerLayout.headSize(name);
      if (headSize < 0) {
        throw new LedgerException(
            Reason.MALFORMED, -1, "heads/" + name + " is not a checkpoint file name");
      }
      newest = Math.max(newest, headSize);
    }
    // No count in these messages: the sizes are the store's, and nothing has verified them.
    if (newest > size) {
      throw new LedgerException(
          Reason.MISSING_ENTRY,
          size,
          "a checkpoint covers more leaves than the ledger" + " has: entries were removed");
    }
    if (newest < size) {
      throw new LedgerException(
          Reason.UNSIGNED_ENTRIES,
          Math.max(newest, 1),
          "no signed checkpoint covers every leaf of the ledger: the entries from this one on are"
              + " unsigned");
    }
    String newestPath = LedgerLayout.head(newest);
    long newestSize = newest;
    byte[] note =
        read(store, newestPath)
            .orElseThrow(
                () ->
                    new LedgerException(
                        Reason.UNSIGNED_ENTRIES,
                        Math.max(newestSize, 1),
                        newestPath
                            + " was listed but vanished before it was read (the store changed"
                            + " during the audit): no signed checkpoint of the ledger was"
                            + " verified"));
    Checkpoint latest = openSigned(note, newestPath);
    if (latest.size() != newest) {
      throw new LedgerException(
          Reason.MALFORMED, -1, newestPath + " holds the checkpoint of another size");
    }
    if (!Arrays.equals(latest.rootHash(), tree.root(size))) {
      throw new LedgerException(
          Reason.ROOT_MISMATCH,
          -1,
          "the newest checkpoint's root differs from the root of the entries on disk");
    }
    // The root covers ledger.json: its origin is now the one the key signed over.
    checkOrigin(latest, newestPath, genesis);

    for (int i = 0; i < savedCheckpoints.size(); i++) {
      String what = "saved checkpoint " + (i + 1);
      Checkpoint saved = openSigned(savedCheckpoints.get(i).getBytes(StandardCharsets.UTF_8), what);
      if (saved.size() > size) {
        throw new LedgerException(
            Reason.INCONSISTENT_CHECKPOINT,
            size,
            what
                + " covers "
                + saved.size()
                + " leaves, more than the ledger has: truncated or rolled back");
      }
      if (!Arrays.equals(saved.rootHash(), tree.root(saved.size()))) {
        throw new LedgerException(
            Reason.INCONSISTENT_CHECKPOINT,
            -1,
            what
                + " (size "
                + saved.size()
                + ") does not match the ledger's first "
                + saved.size()
                + " leaves: history was rewritten");
      }
      checkOrigin(saved, what, genesis);
    }

    // Every leaf is the one the key signed: its content is now worth judging, and a fault in it
    // is the holder's.
    if (genesisFinding != null) {
      throw genesisFinding;
    }
    progress.start(replay);
    LedgerGenesis signed = genesis;
    LedgerException finding =
        replay.judge(
            entry -> {
              progress.add(entry);
              onEntry.accept(signed, entry);
            });
    if (finding != null) {
      throw finding;
    }
    progress.checkpoint(latest);
    return replay;
  }

  /**
   * The verdict on a store without ledger.json: a rollback when a checkpoint the auditor saved (and
   * whose signature verifies) proves that the ledger had leaves, else only that ledger.json is
   * missing.
   */
  private LedgerException noLedger(LedgerStore store, List<String> savedCheckpoints) {
    for (int i = 0; i < savedCheckpoints.size(); i++) {
      String what = "saved checkpoint " + (i + 1);
      Checkpoint saved = openSigned(savedCheckpoints.get(i).getBytes(StandardCharsets.UTF_8), what);
      if (saved.size() > 0) {
        return new LedgerException(
            Reason.INCONSISTENT_CHECKPOINT,
            0,
            what
                + " covers "
                + saved.size()
                + " leaves but "
                + store.location()
                + " holds no ledger.json: the ledger was removed or rolled back");
      }
    }
    return new LedgerException(Reason.GENESIS_MISMATCH, 0, "ledger.json is missing");
  }

  /**
   * Opens a signed checkpoint with the auditor's key, and checks that it is for {@code genesis}'s
   * origin. For a genesis the checkpoint's root has been checked to cover, or one verified so.
   */
  Checkpoint openCheckpoint(byte[] note, String what, LedgerGenesis genesis) {
    Checkpoint checkpoint = openSigned(note, what);
    checkOrigin(checkpoint, what, Check.notNull("genesis", genesis));
    return checkpoint;
  }

  /** Opens a signed checkpoint with the auditor's key; maps note failures to ledger reasons. */
  private Checkpoint openSigned(byte[] note, String what) {
    VerifiedNote verified;
    try {
      verified = SignedNotes.open(note, List.of(key));
    } catch (NoteVerificationException e) {
      Reason reason =
          switch (e.reason()) {
            case INVALID_SIGNATURE -> Reason.BAD_SIGNATURE;
            case NO_KNOWN_SIGNATURE -> Reason.UNKNOWN_KEY;
            default -> Reason.MALFORMED;
          };
      // Why, in the auditor's words only: the note is unverified, so its key names, signature
      // count and text (which a storage attacker chooses) are not repeated.
      throw new LedgerException(
          reason,
          -1,
          what
              + switch (e.reason()) {
                case INVALID_SIGNATURE -> ": a signature by the auditor's key does not verify";
                case NO_KNOWN_SIGNATURE -> " is not signed with the auditor's key";
                case TOO_MANY_SIGNATURES -> " has more signatures than a signed note may have";
                case MALFORMED_NOTE -> " is not a well-formed signed note";
              });
    }
    try {
      return Checkpoint.parse(verified.text());
    } catch (IllegalArgumentException e) {
      throw new LedgerException(Reason.MALFORMED, -1, what + ": " + e.getMessage());
    }
  }

  /**
   * A signed checkpoint's origin must be the ledger's (nothing to compare when ledger.json does not
   * parse).
   */
  private static void checkOrigin(Checkpoint checkpoint, String what, LedgerGenesis genesis) {
    if (genesis != null && !checkpoint.origin().equals(genesis.origin())) {
      throw new LedgerException(
          Reason.ORIGIN_MISMATCH, -1, what + " is for origin '" + checkpoint.origin() + "'");
    }
  }

  private static Optional<byte[]> read(LedgerStore store, String path) {
    try {
      return store.read(path);
    } catch (IOException | UncheckedIOException e) {
      throw new LedgerException(Reason.IO_ERROR, -1, "cannot read " + path + ": " + e.getMessage());
    }
  }

  private static List<String> list(LedgerStore store, String directory) {
    try {
      return store.list(directory);
    } catch (IOException | UncheckedIOException e) {
      throw new LedgerException(
          Reason.IO_ERROR, -1, "cannot list " + directory + ": " + e.getMessage());
    }
  }

  /** Totals gathered as entries are accepted, reported only if the whole ledger verifies. */
  private static final class Progress {
    private LedgerReplay replay;
    private final Map<String, FixedPointCost> byMechanism = new LinkedHashMap<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();
    // A PLD ledger's entries per mechanism, composed per mechanism only once the ledger verified.
    private final Map<String, List<LedgerEntry>> eventsByMechanism = new LinkedHashMap<>();
    private final List<AuditReport.Point> timeline = new ArrayList<>();
    private long rowIsUnitEntries;
    private Checkpoint checkpoint;

    void start(LedgerReplay replay) {
      this.replay = replay;
    }

    void add(LedgerEntry entry) {
      if (entry.unit() != null && entry.unit().rowIsUnit()) {
        rowIsUnitEntries++;
      }
      if (entry.confidential()) {
        // Per-entry costs are hidden: count entries, never report a cost.
        byMechanism.putIfAbsent(entry.mechanism(), null);
        counts.merge(entry.mechanism(), 1L, Long::sum);
        timeline.add(
            new AuditReport.Point(
                entry.seq(),
                entry.timeMillis(),
                entry.mechanism(),
                null,
                entry.confidentialCost().delta(),
                Double.NaN));
        return;
      }
      byMechanism.merge(entry.mechanism(), entry.cost(), FixedPointCost::plus);
      counts.merge(entry.mechanism(), 1L, Long::sum);
      timeline.add(
          new AuditReport.Point(
              entry.seq(),
              entry.timeMillis(),
              entry.mechanism(),
              entry.event(),
              entry.cost().delta(),
              replay.spent().epsilon()));
      if (replay.accountant() == Accountant.PLD) {
        eventsByMechanism.computeIfAbsent(entry.mechanism(), k -> new ArrayList<>()).add(entry);
      }
    }

    void checkpoint(Checkpoint checkpoint) {
      this.checkpoint = checkpoint;
    }

    AuditReport report(boolean intact, Reason reason, long index, String message) {
      if (!intact) {
        return AuditReport.failed(reason, index, message);
      }
      LedgerGenesis g = replay.genesis();
      Map<String, AuditReport.MechanismTotal> mechanisms = new LinkedHashMap<>();
      byMechanism.forEach(
          (name, cost) ->
              mechanisms.put(
                  name, new AuditReport.MechanismTotal(counts.get(name), mechanismEpsilon(name))));
      double spent = replay.costsKnown() ? replay.spent().epsilon() : Double.NaN;
      return new AuditReport(
          true,
          null,
          -1,
          message,
          g.origin(),
          g.mode(),
          replay.nextIndex() - 1,
          g.budgetEpsilon(),
          g.budgetDelta(),
          spent,
          replay.total().delta(),
          checkpoint == null ? 0 : checkpoint.size(),
          checkpoint == null ? "" : HEX.formatHex(checkpoint.rootHash()),
          mechanisms,
          List.copyOf(timeline),
          g.unit(),
          rowIsUnitEntries,
          g.accountant());
    }

    /**
     * The ε of one mechanism's entries alone, under the ledger's accountant: their RDP costs added
     * and converted, or their events' PLDs composed (the ledger's own total when the mechanism has
     * every entry, which saves the compositions). NaN in a confidential ledger.
     */
    private double mechanismEpsilon(String name) {
      FixedPointCost cost = byMechanism.get(name);
      if (cost == null) {
        return Double.NaN;
      }
      if (replay.accountant() != Accountant.PLD) {
        return replay.guarantee(cost).epsilon();
      }
      List<LedgerEntry> entries = eventsByMechanism.get(name);
      if (entries.size() == replay.nextIndex() - 1) {
        return replay.spent().epsilon();
      }
      PldTotal total = PldTotal.empty();
      for (LedgerEntry e : entries) {
        total = total.plus(e.event(), replay.pldOf(e.event()));
      }
      return total.guarantee(replay.genesis().budgetDelta()).epsilon();
    }
  }
}
