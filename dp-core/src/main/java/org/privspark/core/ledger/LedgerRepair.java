package org.privspark.core.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.privspark.core.Check;
import org.privspark.core.ledger.note.Checkpoint;
import org.privspark.core.ledger.note.NoteSigner;

/**
 * Recovery of a local-directory ledger after a writer crashed, or after someone without the key
 * appended entries: moves aside only what an interrupted append can leave behind and trailing
 * entries no writer would judge, never an entry a checkpoint covers, then re-signs the newest
 * checkpoint.
 *
 * <p><b>What it removes.</b>
 *
 * <ul>
 *   <li>Temporary files ({@code .tmp-…}) in the ledger directory, {@code entries/} and {@code
 *       heads/}: bytes that were never linked to a name, so no reader has seen them.
 *   <li>The highest-numbered entry file, only if it is not a complete entry (it does not parse, or
 *       is not in canonical form) and no checkpoint covers it: the partial write of a store without
 *       atomic create. It is moved to {@code quarantine/}, not deleted.
 *   <li>The trailing entries, from the first on, that no checkpoint covers and that the repairing
 *       writer cannot vouch for (its {@link OpeningStore} holds no opening of them): entries a
 *       writer refuses to judge (docs/LEDGER-FORMAT.md §8), such as a storage attacker's. They are
 *       moved to {@code quarantine/}. A writer that keeps no openings vouches for none, its own
 *       included.
 *   <li>The newest checkpoint file, only if it is not a note signed with the ledger's key (a
 *       partial write): moved to {@code quarantine/}. A checkpoint is re-derivable from the
 *       entries.
 * </ul>
 *
 * Anything else wrong (a damaged entry a checkpoint covers, a broken hash chain, a checkpoint whose
 * root differs from the entries) is damage, not an interrupted write: {@link #repair} then throws
 * and changes nothing.
 *
 * <p>With the reference {@link LocalDirectoryStore} a crash leaves at most temporary files and a
 * missing newest checkpoint (entries are linked only once complete and fsynced), so the entry rule
 * is for stores without that guarantee and for copies of ledgers made mid-write.
 */
public final class LedgerRepair {
  /** Where removed files go, beside {@code entries/} and {@code heads/}. */
  public static final String QUARANTINE = "quarantine";

  private static final String TEMP_PREFIX = ".tmp-";

  private LedgerRepair() {}

  /**
   * What a repair did, and the ledger opened afterwards.
   *
   * @param actions one line per file removed or moved, and for the checkpoint signed
   * @param ledger the repaired ledger, opened for writing
   */
  public record Result(List<String> actions, Ledger ledger) {
    public Result {
      actions = List.copyOf(actions);
    }
  }

  /**
   * Repairs the ledger in {@code store}.
   *
   * @throws LedgerException when the ledger is damaged in a way an interrupted append cannot
   *     explain (nothing is changed then), or the key is not the ledger's
   */
  public static Result repair(LocalDirectoryStore store, NoteSigner signer, OpeningStore openings) {
    Check.notNull("store", store);
    Check.notNull("signer", signer);
    Check.notNull("openings", openings);
    Path root = store.root();
    try {
      List<String> actions = new ArrayList<>();
      byte[] genesisBytes =
          Ledger.read(store, LedgerLayout.GENESIS)
              .orElseThrow(
                  () ->
                      new LedgerException(Reason.GENESIS_MISMATCH, 0, "no ledger.json at " + root));
      LedgerGenesis genesis = LedgerGenesis.decode(genesisBytes);
      if (!genesis.publicKey().equals(signer.verifier().encode())) {
        throw new LedgerException(Reason.UNKNOWN_KEY, 0, "the signing key is not the ledger's key");
      }
      // Plan first, change nothing until the whole plan is known to be an interrupted write.
      List<Path> temporary = new ArrayList<>(temporaryFiles(root));
      temporary.addAll(temporaryFiles(root.resolve(LedgerLayout.ENTRIES)));
      temporary.addAll(temporaryFiles(root.resolve(LedgerLayout.HEADS)));
      long highest = 0;
      for (String name : store.list(LedgerLayout.ENTRIES)) {
        long seq = LedgerLayout.entrySeq(name);
        if (seq < 0) {
          throw new LedgerException(
              Reason.MALFORMED, -1, "entries/" + name + " is not an entry file name");
        }
        highest = Math.max(highest, seq);
      }
      long newestHead =
          store.list(LedgerLayout.HEADS).stream()
              .mapToLong(LedgerLayout::headSize)
              .max()
              .orElse(-1);
      Path partialEntry = null;
      if (highest > 0) {
        byte[] last = Ledger.read(store, LedgerEntry.path(highest)).orElseThrow();
        if (!isCompleteEntry(last, highest)) {
          if (newestHead > highest) {
            throw new LedgerException(
                Reason.MALFORMED,
                highest,
                LedgerEntry.path(highest)
                    + " is damaged but checkpoint "
                    + newestHead
                    + " covers it: not an interrupted write");
          }
          partialEntry = root.resolve(LedgerEntry.path(highest));
        }
      }
      Path partialHead = null;
      if (newestHead > 0) {
        byte[] note = Ledger.read(store, LedgerLayout.head(newestHead)).orElseThrow();
        if (EntryVoucher.checkpointSignedBy(note, signer.verifier()).isEmpty()) {
          partialHead = root.resolve(LedgerLayout.head(newestHead));
        }
      }
      // Everything that stays must be intact: every checkpoint kept must match the entries kept,
      // and a dry replay of their content (judged once the checkpoints vouch for their bytes).
      long kept = partialEntry != null ? highest - 1 : highest;
      LedgerReplay replay = new LedgerReplay(genesis, genesisBytes);
      List<byte[]> files = new ArrayList<>();
      for (long seq = 1; seq <= kept; seq++) {
        long s = seq;
        files.add(
            Ledger.read(store, LedgerEntry.path(seq))
                .orElseThrow(
                    () ->
                        new LedgerException(
                            Reason.MISSING_ENTRY,
                            s,
                            LedgerEntry.path(s) + " is missing below the newest entry")));
        replay.read(files.get(files.size() - 1));
      }
      long covered = 1;
      for (String name : store.list(LedgerLayout.HEADS)) {
        long size = LedgerLayout.headSize(name);
        if (size < 0 || (partialHead != null && size == newestHead)) {
          continue;
        }
        Checkpoint c =
            EntryVoucher.checkpointSignedBy(
                    Ledger.read(store, LedgerLayout.head(size)).orElseThrow(), signer.verifier())
                .orElseThrow(
                    () ->
                        new LedgerException(
                            Reason.BAD_SIGNATURE,
                            -1,
                            LedgerLayout.head(size)
                                + " is not a checkpoint signed with the ledger's key, and not the"
                                + " newest: not an interrupted write"));
        if (size > replay.nextIndex()
            || c.size() != size
            || !java.util.Arrays.equals(c.rootHash(), replay.tree().root(size))) {
          throw new LedgerException(
              Reason.ROOT_MISMATCH,
              -1,
              LedgerLayout.head(size)
                  + " does not match the entries: damage, not an interrupted write");
        }
        covered = Math.max(covered, size);
      }
      // Trailing entries that no checkpoint covers and this writer cannot vouch for go too: a
      // writer would refuse them (docs/LEDGER-FORMAT.md §8), and they are judged by no one here.
      long unvouched = firstUnvouched(files, covered, genesis, openings);
      if (unvouched <= kept) {
        replay = new LedgerReplay(genesis, genesisBytes);
        for (long seq = 1; seq < unvouched; seq++) {
          replay.read(files.get((int) (seq - 1)));
        }
      }
      LedgerException fault = replay.judge(e -> {});
      if (fault != null) {
        throw fault;
      }

      for (Path temp : temporary) {
        Files.deleteIfExists(temp);
        actions.add("removed temporary file " + root.relativize(temp));
      }
      if (partialEntry != null) {
        actions.add(
            "moved incomplete trailing entry "
                + root.relativize(partialEntry)
                + " to "
                + quarantine(root, partialEntry));
      }
      // The highest first: a repair interrupted here leaves a shorter trailing run, no gap.
      for (long seq = kept; seq >= unvouched; seq--) {
        Path entry = root.resolve(LedgerEntry.path(seq));
        actions.add(
            "moved trailing entry "
                + root.relativize(entry)
                + ", which no checkpoint covers and this"
                + " writer's openings do not vouch for, to "
                + quarantine(root, entry));
      }
      if (partialHead != null) {
        actions.add(
            "moved incomplete checkpoint "
                + root.relativize(partialHead)
                + " to "
                + quarantine(root, partialHead));
      }
      Ledger ledger = Ledger.open(store, signer, openings);
      long size = ledger.entries() + 1;
      if (newestHead != size || partialHead != null) {
        actions.add("signed the checkpoint of size " + size);
      }
      return new Result(actions, ledger);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot repair the ledger at " + root, e);
    }
  }

  /**
   * The first of the entries from {@code covered} on (those no checkpoint covers) whose opening
   * {@code openings} does not hold ({@link OpeningStore#vouchesFor}), or one past the last entry.
   *
   * @throws LedgerException when an entry after it is vouched for: this writer's own entry chained
   *     onto one it cannot vouch for is not what a storage attacker alone leaves, so nothing is
   *     moved
   */
  private static long firstUnvouched(
      List<byte[]> files, long covered, LedgerGenesis genesis, OpeningStore openings) {
    long end = files.size() + 1L;
    long first = end;
    for (long seq = covered; seq < end; seq++) {
      if (vouched(files.get((int) (seq - 1)), seq, genesis, openings)) {
        if (first < end) {
          throw new LedgerException(
              Reason.UNSIGNED_ENTRIES,
              first,
              "no checkpoint covers this entry and this"
                  + " writer's openings do not vouch for it, but they vouch for entry "
                  + seq
                  + " after it: not an interrupted write");
        }
      } else if (first == end) {
        first = seq;
      }
    }
    return first;
  }

  /**
   * Whether {@code openings} vouches for the entry in {@code bytes}; one that does not parse is
   * not.
   */
  private static boolean vouched(
      byte[] bytes, long seq, LedgerGenesis genesis, OpeningStore openings) {
    LedgerEntry entry;
    try {
      entry = LedgerEntry.decode(bytes, seq, genesis);
    } catch (LedgerException e) {
      return false;
    }
    return openings.vouchesFor(entry);
  }

  private static boolean isCompleteEntry(byte[] bytes, long seq) {
    try {
      LedgerEntry.decode(bytes, seq);
      return true;
    } catch (LedgerException e) {
      return e.reason() != Reason.MALFORMED && e.reason() != Reason.NON_CANONICAL;
    }
  }

  private static List<Path> temporaryFiles(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX))
          .sorted()
          .toList();
    }
  }

  /** Moves {@code file} into quarantine/ under a name that never overwrites; returns that name. */
  private static String quarantine(Path root, Path file) throws IOException {
    Path dir = root.resolve(QUARANTINE);
    Files.createDirectories(dir);
    String base = file.getParent().getFileName() + "-" + file.getFileName();
    Path target = dir.resolve(base);
    for (int i = 1; Files.exists(target); i++) {
      target = dir.resolve(base + "." + i);
    }
    Files.move(file, target);
    return root.relativize(target).toString();
  }
}
