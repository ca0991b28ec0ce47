package org.privspark.core.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.ledger.FixedPointCost;
import org.privspark.core.ledger.Format3Ledgers;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LedgerGenesis;
import org.privspark.core.ledger.LedgerLayout;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.merkle.ConsistencyProof;
import org.privspark.core.ledger.merkle.InclusionProof;
import org.privspark.core.ledger.merkle.MerkleTree;
import org.privspark.core.ledger.merkle.Rfc9162Hasher;
import org.privspark.core.ledger.note.Checkpoint;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.core.ledger.note.SignedNotes;

/**
 * {@link LedgerVerifier#verify} of a large ledger against reading and SHA-256-hashing its entry
 * files, in the same JVM, on the same files, interleaved: one warm-up of each, then {@code rounds}
 * of (baseline, verify); medians of wall-clock and thread CPU time. The goal is verify ≤ 3 ×
 * baseline. Also prints the sizes of inclusion and consistency proofs at that size, and, with
 * {@code --profile}, the time of each step the verifier takes per entry, each done alone over the
 * same files.
 *
 * <p>Run: {@code BENCH_MVN_FLAGS=-o bin/bench --main LedgerVerifyBenchmark [options]}. Options:
 * {@code --entries N} (default 100000), {@code --rounds R} (5), {@code --distinct K} (8 distinct
 * events, cycled; 0 makes every event distinct), {@code --profile}, {@code --rebuild}.
 *
 * <p>The ledger is built once and kept in {@code target/bench-ledger/verify-N-K/}: building it with
 * {@link Ledger#append} would take two fsyncs per entry, so the entries are written directly in the
 * ledger's format (chained, costs computed as the ledger computes them, no fsync), with a signed
 * checkpoint for every size as appends leave them. The key is derived from a fixed seed. Every run
 * checks that the verifier finds the ledger intact. The files are in the page cache (warm) for both
 * the baseline and the verifier.
 */
public final class LedgerVerifyBenchmark {
  private static final String ORIGIN = "bench.privspark.org/ledger";
  private static final byte[] SEED = new byte[32];
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  static {
    Arrays.fill(SEED, (byte) 7);
  }

  private LedgerVerifyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int entries = 100_000;
    int rounds = 5;
    int distinct = 8;
    boolean profile = false;
    boolean rebuild = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--entries" -> entries = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--distinct" -> distinct = Integer.parseInt(args[++i]);
        case "--profile" -> profile = true;
        case "--rebuild" -> rebuild = true;
        default ->
            throw new IllegalArgumentException(
                "unknown option "
                    + args[i]
                    + "; options: --entries N --rounds R --distinct K --profile --rebuild");
      }
    }
    NoteSigner signer = NoteSigner.fromSeed(ORIGIN, SEED);
    Path dir =
        LedgerAppendBenchmark.ROOT.toAbsolutePath().resolve("verify-" + entries + "-" + distinct);
    if (rebuild || !Files.exists(dir.resolve("complete"))) {
      LedgerAppendBenchmark.deleteRecursively(dir);
      long t0 = System.nanoTime();
      build(dir, signer, entries, distinct);
      System.out.printf(
          "built %d entries in %s in %.1f s%n", entries, dir, (System.nanoTime() - t0) / 1e9);
    } else {
      System.out.println("reusing the ledger in " + dir);
    }
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger"));
    Path entriesDir = store.root().resolve(LedgerLayout.ENTRIES);
    // An auditor holds a checkpoint saved earlier, at half the size: verify checks it too.
    String saved =
        Files.readString(
            store.root().resolve(LedgerLayout.head(entries / 2 + 1)), StandardCharsets.UTF_8);
    LedgerVerifier verifier = new LedgerVerifier(signer.verifier());

    System.out.printf(
        "java %s, %d processors, entries %d, distinct events %s, rounds %d%n",
        System.getProperty("java.vm.version"),
        Runtime.getRuntime().availableProcessors(),
        entries,
        distinct == 0 ? "all" : distinct,
        rounds);
    Supplier<Object> baseline = () -> hashAll(entriesDir);
    Supplier<Object> verify =
        () -> {
          AuditReport report = verifier.verify(store, List.of(saved));
          if (!report.intact() || report.entries() != entryFiles(store)) {
            throw new IllegalStateException(
                "the benchmark ledger does not verify: " + report.message());
          }
          return report;
        };
    time("warm-up baseline", baseline);
    time("warm-up verify", verify);
    long[][] b = new long[3][rounds];
    long[][] v = new long[3][rounds];
    for (int r = 0; r < rounds; r++) {
      long[] tb = time("round " + (r + 1) + " baseline", baseline);
      long[] tv = time("round " + (r + 1) + " verify", verify);
      for (int k = 0; k < 3; k++) {
        b[k][r] = tb[k];
        v[k][r] = tv[k];
      }
    }
    System.out.printf("%nmedians over %d rounds (ms): wall / thread CPU / process CPU%n", rounds);
    System.out.printf(
        "  baseline (list + read + SHA-256 of entries/*.json): %8.1f / %8.1f / %8.1f%n",
        median(b[0]) / 1e6, median(b[1]) / 1e6, median(b[2]) / 1e6);
    System.out.printf(
        "  LedgerVerifier.verify:                              %8.1f / %8.1f / %8.1f%n",
        median(v[0]) / 1e6, median(v[1]) / 1e6, median(v[2]) / 1e6);
    System.out.printf(
        "  ratio verify / baseline:                            %8.2f / %8.2f / %8.2f  (goal <="
            + " 3)%n",
        median(v[0]) / median(b[0]), median(v[1]) / median(b[1]), median(v[2]) / median(b[2]));
    System.out.printf(
        "  per entry: baseline %.1f us, verify %.1f us (wall)%n",
        median(b[0]) / 1e3 / entries, median(v[0]) / 1e3 / entries);

    proofSizes(store, entries);
    if (profile) {
      profile(store, entriesDir, entries, rounds);
    }
  }

  private static long entryFiles(LocalDirectoryStore store) {
    return store.root().resolve(LedgerLayout.ENTRIES).toFile().list().length;
  }

  /** Writes a valid ledger of {@code entries} entries without fsync, as appends would leave it. */
  static void build(Path dir, NoteSigner signer, int entries, int distinct) throws Exception {
    OrderGrid grid = OrderGrid.defaults();
    LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("ledger"));
    Format3Ledgers.create(store, ORIGIN, 1e9, 1e-6, grid, signer, OpeningStore.discarding());
    byte[] genesisBytes = Files.readAllBytes(store.root().resolve(LedgerLayout.GENESIS));
    LedgerGenesis genesis = LedgerGenesis.decode(genesisBytes);
    Path entriesDir = Files.createDirectories(store.root().resolve(LedgerLayout.ENTRIES));
    Path headsDir = store.root().resolve(LedgerLayout.HEADS);
    MerkleTree tree = new MerkleTree();
    tree.appendLeafData(genesisBytes);
    SplittableRandom random = new SplittableRandom(42);
    ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    List<Future<?>> signing = new ArrayList<>();
    int kinds = distinct == 0 ? entries : distinct;
    List<PrivacyEvent> events = new ArrayList<>();
    List<FixedPointCost> costs = new ArrayList<>();
    for (int k = 0; k < Math.min(kinds, 1000); k++) {
      events.add(event(k));
      costs.add(FixedPointCost.of(events.get(k), grid));
    }
    for (int seq = 1; seq <= entries; seq++) {
      int k = (seq - 1) % kinds;
      PrivacyEvent event = k < events.size() ? events.get(k) : event(k);
      FixedPointCost cost = k < costs.size() ? costs.get(k) : FixedPointCost.of(event, grid);
      byte[] releaseId = bytes(random, 16);
      byte[][] commitments = {
        bytes(random, 32), bytes(random, 32), bytes(random, 32), bytes(random, 32)
      };
      String mechanism = seq % 10 == 0 ? "dp-sgd" : "private-aggregation";
      LedgerEntry entry =
          new LedgerEntry(
              seq,
              genesis.createdMillis() + seq,
              ORIGIN,
              tree.leafHash(seq - 1),
              releaseId,
              mechanism,
              event,
              cost,
              commitments);
      byte[] encoded = entry.encode();
      Files.write(
          entriesDir.resolve(LedgerEntry.path(seq).substring(LedgerLayout.ENTRIES.length() + 1)),
          encoded);
      tree.appendLeafData(encoded);
      // Signing dominates the build: done on all cores, the checkpoint texts in order.
      String text = Checkpoint.of(ORIGIN, tree.size(), tree.root()).format();
      Path head =
          headsDir.resolve(
              LedgerLayout.head(tree.size()).substring(LedgerLayout.HEADS.length() + 1));
      signing.add(
          pool.submit(
              () -> {
                Files.writeString(head, SignedNotes.sign(text, signer), StandardCharsets.UTF_8);
                return null;
              }));
      if (seq % 10_000 == 0) {
        for (Future<?> f : signing) {
          f.get();
        }
        signing.clear();
        System.out.println("  built " + seq + " entries");
      }
    }
    for (Future<?> f : signing) {
      f.get();
    }
    pool.shutdown();
    Files.writeString(
        dir.resolve("complete"), "entries " + entries + ", distinct " + distinct + "\n");
  }

  /** A private aggregation's event (count, sum, mean) at one of a range of ε's. */
  static PrivacyEvent event(int k) {
    double scale = 3.0 * (1 + 0.125 * k);
    return ComposedEvent.of(
        new LaplaceEvent(scale, 1),
        new LaplaceEvent(scale * 100, 100),
        new LaplaceEvent(scale * 100, 100));
  }

  private static byte[] bytes(SplittableRandom random, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i += 8) {
      long x = random.nextLong();
      for (int j = 0; j < 8 && i + j < n; j++) {
        b[i + j] = (byte) (x >>> (8 * j));
      }
    }
    return b;
  }

  /** The baseline: list entries/, read each *.json file and SHA-256 it. */
  static Object hashAll(Path entriesDir) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] acc = new byte[32];
      int files = 0;
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(entriesDir, "*.json")) {
        for (Path file : stream) {
          byte[] digest = sha.digest(Files.readAllBytes(file));
          acc[0] ^= digest[0];
          files++;
        }
      }
      return files + " files, digest byte " + acc[0];
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Wall, thread CPU and process CPU nanoseconds of one call; prints them. */
  private static long[] time(String what, Supplier<Object> work) {
    System.gc();
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    long proc0 = OS.getProcessCpuTime();
    long t0 = System.nanoTime();
    Object result = work.get();
    long wall = System.nanoTime() - t0;
    long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
    long proc = OS.getProcessCpuTime() - proc0;
    System.out.printf(
        "%-20s wall %8.1f ms  thread CPU %8.1f ms  process CPU %8.1f ms  (%s)%n",
        what, wall / 1e6, cpu / 1e6, proc / 1e6, result.hashCode());
    return new long[] {wall, cpu, proc};
  }

  private static double median(long[] xs) {
    long[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
  }

  /** Inclusion and consistency proofs at the ledger's full size: number of hashes and bytes. */
  private static void proofSizes(LocalDirectoryStore store, int entries) throws Exception {
    MerkleTree tree = new MerkleTree();
    tree.appendLeafData(Files.readAllBytes(store.root().resolve(LedgerLayout.GENESIS)));
    for (int seq = 1; seq <= entries; seq++) {
      tree.appendLeafData(Files.readAllBytes(store.root().resolve(LedgerEntry.path(seq))));
    }
    long size = tree.size();
    System.out.printf(
        "%nproofs in the tree of %d leaves (ledger.json + %d entries); ceil(log2 n) = %d;"
            + " a hash is %d bytes%n",
        size, entries, 64 - Long.numberOfLeadingZeros(size - 1), Rfc9162Hasher.HASH_SIZE);
    int maxInclusion = 0;
    for (long leaf = 0; leaf < size; leaf++) {
      maxInclusion = Math.max(maxInclusion, tree.inclusionProof(leaf, size).path().size());
    }
    for (long leaf : new long[] {1, size / 2, size - 2, size - 1}) {
      InclusionProof p = tree.inclusionProof(leaf, size);
      p.verify(tree.leafHash(leaf), tree.root(size));
      System.out.printf(
          "  inclusion of leaf %6d: %2d hashes, %4d bytes%n",
          leaf, p.path().size(), p.path().size() * Rfc9162Hasher.HASH_SIZE);
    }
    System.out.printf(
        "  inclusion, largest over all %d leaves: %d hashes, %d bytes%n",
        size, maxInclusion, maxInclusion * Rfc9162Hasher.HASH_SIZE);
    int maxConsistency = 0;
    for (long size1 = 1; size1 <= size; size1++) {
      maxConsistency = Math.max(maxConsistency, tree.consistencyProof(size1, size).path().size());
    }
    for (long size1 : new long[] {1, size / 2, 65_536, size - 1}) {
      if (size1 > size) {
        continue;
      }
      ConsistencyProof p = tree.consistencyProof(size1, size);
      p.verify(tree.root(size1), tree.root(size));
      System.out.printf(
          "  consistency from %6d to %d: %2d hashes, %4d bytes%n",
          size1, size, p.path().size(), p.path().size() * Rfc9162Hasher.HASH_SIZE);
    }
    System.out.printf(
        "  consistency, largest over all sizes 1..%d: %d hashes, %d bytes%n",
        size, maxConsistency, maxConsistency * Rfc9162Hasher.HASH_SIZE);
  }

  /** The verifier's per-entry steps, each alone over the same files; medians of {@code rounds}. */
  private static void profile(LocalDirectoryStore store, Path entriesDir, int entries, int rounds)
      throws IOException {
    byte[] genesisBytes = Files.readAllBytes(store.root().resolve(LedgerLayout.GENESIS));
    LedgerGenesis genesis = LedgerGenesis.decode(genesisBytes);
    OrderGrid grid = genesis.grid();
    List<byte[]> files = new ArrayList<>();
    for (int seq = 1; seq <= entries; seq++) {
      files.add(Files.readAllBytes(store.root().resolve(LedgerEntry.path(seq))));
    }
    List<LedgerEntry> decoded = new ArrayList<>();
    for (int seq = 1; seq <= entries; seq++) {
      decoded.add(LedgerEntry.decode(files.get(seq - 1), seq));
    }
    FixedPointCost total = FixedPointCost.zero(grid);
    List<FixedPointCost> totals = new ArrayList<>();
    for (LedgerEntry e : decoded) {
      total = total.plus(e.cost());
      totals.add(total);
    }
    System.out.printf(
        "%nprofile: each step alone over the %d entries (bytes already in memory unless noted)%n",
        entries);
    step(
        rounds,
        "list entries/ (store.list: names, sort)",
        () -> {
          try {
            return store.list(LedgerLayout.ENTRIES).size();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
    step(
        rounds,
        "list heads/ (store.list)",
        () -> {
          try {
            return store.list(LedgerLayout.HEADS).size();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
    step(
        rounds,
        "read files (store.read, from page cache)",
        () -> {
          long n = 0;
          for (int seq = 1; seq <= entries; seq++) {
            try {
              n += store.read(LedgerEntry.path(seq)).orElseThrow().length;
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          }
          return n;
        });
    step(
        rounds,
        "leaf hash + tree append (SHA-256)",
        () -> {
          MerkleTree tree = new MerkleTree();
          for (byte[] f : files) {
            tree.append(Rfc9162Hasher.leafHash(f));
          }
          return tree.size();
        });
    step(
        rounds,
        "decode (strict JSON parse + canonical re-encode)",
        () -> {
          long n = 0;
          for (int seq = 1; seq <= entries; seq++) {
            n += LedgerEntry.decode(files.get(seq - 1), seq).seq();
          }
          return n;
        });
    step(
        rounds,
        "cost recomputation (FixedPointCost.of)",
        () -> {
          long n = 0;
          for (LedgerEntry e : decoded) {
            n += FixedPointCost.of(e.event(), grid).pureEpsilon();
          }
          return n;
        });
    step(
        rounds,
        "running total (FixedPointCost.plus)",
        () -> {
          FixedPointCost t = FixedPointCost.zero(grid);
          for (LedgerEntry e : decoded) {
            t = t.plus(e.cost());
          }
          return t.pureEpsilon();
        });
    step(
        rounds,
        "one RDP -> (eps, delta) conversion per entry",
        () -> {
          double s = 0;
          for (FixedPointCost t : totals) {
            s += t.guarantee(grid, genesis.budgetDelta()).epsilon();
          }
          return s;
        });
    System.out.println(
        "  (the verifier does the conversion twice per entry: budget check and timeline)");
  }

  private static void step(int rounds, String what, Supplier<Object> work) {
    work.get();
    long[] wall = new long[rounds];
    long[] cpu = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      long c0 = THREADS.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      work.get();
      wall[r] = System.nanoTime() - t0;
      cpu[r] = THREADS.getCurrentThreadCpuTime() - c0;
    }
    System.out.printf(
        "  %-52s wall %8.1f ms  thread CPU %8.1f ms%n",
        what, median(wall) / 1e6, median(cpu) / 1e6);
  }
}
