package org.privspark.core.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.ledger.FixedPointCost;
import org.privspark.core.ledger.Format3Ledgers;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LedgerLayout;
import org.privspark.core.ledger.LedgerStore;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.Receipt;
import org.privspark.core.ledger.ReleaseDetails;
import org.privspark.core.ledger.merkle.MerkleTree;
import org.privspark.core.ledger.note.Checkpoint;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.core.ledger.note.SignedNotes;

/**
 * Durable ledger appends against bare create-and-fsync of files of the same size, in the same run
 * and on the same file system (both under {@code dp-core/target/bench-ledger/}).
 *
 * <p>{@link #append} is one {@link Ledger#append} of the event a private aggregation query with
 * count, sum and mean records (three Laplace events, composed), on the default order grid, with
 * openings discarded: entry file (temp + fsync + link + directory fsync), then the signed
 * checkpoint (the same again), as the ledger does it. {@link #createAndFsync} is the baseline:
 * {@code FileChannel} CREATE_NEW + write + {@code force(true)} of a new file of the entry's size in
 * an {@code entries/} directory named the same way. The goal is append ≥ half the baseline's rate.
 *
 * <p>{@link #appendCheckpointFsynced} stores the checkpoint as durably as an entry (file and
 * directory fsynced); {@link #appendCheckpointNoDirSync} and {@link #appendCheckpointNoSync}
 * measure two cheaper ways (see their Javadoc). The entry is always written by {@link
 * LocalDirectoryStore}.
 *
 * <p>The other benchmarks split an append into its parts, to show where the time goes: {@link
 * #storeCreateIfAbsent} (the store's durable put-if-absent alone), {@link #tempFsyncLink} (the same
 * without the directory fsync), {@link #costOf}, {@link #encodeEntry}, {@link #budgetGuarantee}
 * (the RDP-to-(ε, δ) conversion of the budget check), {@link #signCheckpoint} (Ed25519 and the note
 * format).
 *
 * <p>Each disk benchmark also prints the thread's CPU time per operation (user + system) after each
 * iteration: wall-clock rates of fsync-bound code move a lot with other work on the machine.
 */
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 3)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LedgerAppendBenchmark {
  static final String ORIGIN = "bench.privspark.org/ledger";
  static final Path ROOT = Path.of("target", "bench-ledger");

  /** ε = 1 split over count, sum and mean: the event of one private aggregation query. */
  static PrivacyEvent typicalEvent() {
    return ComposedEvent.of(
        new LaplaceEvent(3.0, 1),
        new LaplaceEvent(3.0 * 100, 100),
        new LaplaceEvent(3.0 * 100, 100));
  }

  /** A fresh ledger and a fresh baseline directory side by side, removed after the trial. */
  @State(Scope.Thread)
  public static class Disk {
    Path dir;
    Ledger ledger;
    final PrivacyEvent event = typicalEvent();
    final ReleaseDetails details =
        ReleaseDetails.describing(
            "SELECT day, COUNT(*), SUM(amount), AVG(amount) FROM payments GROUP BY day");
    byte[] entryBytes;
    Ledger ledgerHeadFsynced;
    Ledger ledgerHeadNoDirSync;
    Ledger ledgerHeadNoSync;
    Path baselineEntries;
    Path primitiveEntries;
    LocalDirectoryStore primitiveStore;
    long next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      Files.createDirectories(ROOT);
      dir = Files.createTempDirectory(ROOT.toAbsolutePath(), "append-");
      NoteSigner signer = NoteSigner.generate(ORIGIN);
      ledger =
          Format3Ledgers.create(
              new LocalDirectoryStore(dir.resolve("ledger")),
              ORIGIN,
              1e9,
              1e-6,
              OrderGrid.defaults(),
              signer,
              OpeningStore.discarding());
      ledger.append("private-aggregation", event, details);
      ledgerHeadFsynced =
          Format3Ledgers.create(
              new HeadVariantStore(dir.resolve("ledger-f"), Head.FSYNCED),
              ORIGIN,
              1e9,
              1e-6,
              OrderGrid.defaults(),
              signer,
              OpeningStore.discarding());
      ledgerHeadNoDirSync =
          Format3Ledgers.create(
              new HeadVariantStore(dir.resolve("ledger-a"), Head.NO_DIRECTORY_FSYNC),
              ORIGIN,
              1e9,
              1e-6,
              OrderGrid.defaults(),
              signer,
              OpeningStore.discarding());
      ledgerHeadNoSync =
          Format3Ledgers.create(
              new HeadVariantStore(dir.resolve("ledger-b"), Head.NO_FSYNC),
              ORIGIN,
              1e9,
              1e-6,
              OrderGrid.defaults(),
              signer,
              OpeningStore.discarding());
      entryBytes = Files.readAllBytes(dir.resolve("ledger").resolve(LedgerEntry.path(1)));
      baselineEntries =
          Files.createDirectories(dir.resolve("baseline").resolve(LedgerLayout.ENTRIES));
      primitiveStore = new LocalDirectoryStore(dir.resolve("primitive"));
      primitiveEntries =
          Files.createDirectories(dir.resolve("primitive").resolve(LedgerLayout.ENTRIES));
      System.out.println(
          "entry file: "
              + entryBytes.length
              + " bytes; checkpoint file: "
              + Files.size(dir.resolve("ledger").resolve(LedgerLayout.head(2)))
              + " bytes; directory "
              + dir);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
      deleteRecursively(dir);
    }

    String nextName() {
      return String.format("%020d", ++next) + ".json";
    }
  }

  /** Thread CPU time (user + system) per operation, printed after each iteration. */
  @State(Scope.Thread)
  public static class Cpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private long start;
    long ops;

    @Setup(Level.Iteration)
    public void start() {
      ops = 0;
      start = THREADS.getCurrentThreadCpuTime();
    }

    @TearDown(Level.Iteration)
    public void stop() {
      long nanos = THREADS.getCurrentThreadCpuTime() - start;
      System.out.printf("  [cpu %.1f us/op over %d ops]%n", nanos / 1e3 / Math.max(ops, 1), ops);
    }
  }

  @Benchmark
  public Receipt append(Disk disk, Cpu cpu) {
    cpu.ops++;
    return disk.ledger.append("private-aggregation", disk.event, disk.details);
  }

  /**
   * As the ledger was first written: the checkpoint stored like an entry, file and directory
   * fsynced ({@link LocalDirectoryStore#createIfAbsent}), whatever {@link Ledger} does now.
   */
  @Benchmark
  public Receipt appendCheckpointFsynced(Disk disk, Cpu cpu) {
    cpu.ops++;
    return disk.ledgerHeadFsynced.append("private-aggregation", disk.event, disk.details);
  }

  /**
   * Variant (a): as {@link #append}, but the checkpoint's directory is not fsynced (its file still
   * is, before the link). Measured through a store wrapper; the entry goes through the unchanged
   * {@link LocalDirectoryStore}.
   */
  @Benchmark
  public Receipt appendCheckpointNoDirSync(Disk disk, Cpu cpu) {
    cpu.ops++;
    return disk.ledgerHeadNoDirSync.append("private-aggregation", disk.event, disk.details);
  }

  /** Variant (b): as {@link #append}, but the checkpoint is written with no fsync at all. */
  @Benchmark
  public Receipt appendCheckpointNoSync(Disk disk, Cpu cpu) {
    cpu.ops++;
    return disk.ledgerHeadNoSync.append("private-aggregation", disk.event, disk.details);
  }

  /** Baseline: a new file of the entry's size, created, written and fsynced. */
  @Benchmark
  public Path createAndFsync(Disk disk, Cpu cpu) throws IOException {
    cpu.ops++;
    Path file = disk.baselineEntries.resolve(disk.nextName());
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(disk.entryBytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    return file;
  }

  /** Part of an append: the store's durable put-if-absent of one entry-sized file. */
  @Benchmark
  public boolean storeCreateIfAbsent(Disk disk, Cpu cpu) throws IOException {
    cpu.ops++;
    return disk.primitiveStore.createIfAbsent(
        LedgerLayout.ENTRIES + "/" + disk.nextName(), disk.entryBytes);
  }

  /** The put-if-absent without its final directory fsync: temp file, fsync, link, unlink. */
  @Benchmark
  public Path tempFsyncLink(Disk disk, Cpu cpu) throws IOException {
    cpu.ops++;
    Path target = disk.primitiveEntries.resolve(disk.nextName());
    Path temp = disk.primitiveEntries.resolve(".tmp-" + UUID.randomUUID());
    try (FileChannel channel =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(disk.entryBytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    Files.createLink(target, temp);
    Files.delete(temp);
    return target;
  }

  /** In-memory parts of an append, on the same event and grid. */
  @State(Scope.Thread)
  public static class Memory {
    final PrivacyEvent event = typicalEvent();
    final OrderGrid grid = OrderGrid.defaults();
    final NoteSigner signer = NoteSigner.generate(ORIGIN);
    final SecureRandom random = new SecureRandom();
    final MerkleTree tree = new MerkleTree();
    FixedPointCost cost;
    String checkpoint;

    @Setup(Level.Trial)
    public void setUp() {
      cost = FixedPointCost.of(event, grid);
      for (int i = 0; i < 1000; i++) {
        tree.appendLeafData(new byte[] {(byte) i});
      }
      checkpoint = Checkpoint.of(ORIGIN, tree.size(), tree.root()).format();
    }
  }

  @Benchmark
  public FixedPointCost costOf(Memory m) {
    return FixedPointCost.of(m.event, m.grid);
  }

  @Benchmark
  public byte[] encodeEntry(Memory m) {
    byte[] releaseId = new byte[16];
    m.random.nextBytes(releaseId);
    byte[][] commitments = new byte[4][32];
    return new LedgerEntry(
            m.tree.size(),
            System.currentTimeMillis(),
            ORIGIN,
            m.tree.leafHash(m.tree.size() - 1),
            releaseId,
            "private-aggregation",
            m.event,
            m.cost,
            commitments)
        .encode();
  }

  /**
   * The budget check's conversion of a total to (ε, δ), as {@code withinBudget} does per append.
   */
  @Benchmark
  public double budgetGuarantee(Memory m) {
    return m.cost.guarantee(m.grid, 1e-6).epsilon();
  }

  @Benchmark
  public String signCheckpoint(Memory m) {
    return SignedNotes.sign(m.checkpoint, m.signer);
  }

  /** How {@link HeadVariantStore} writes heads/ files. */
  enum Head {
    FSYNCED,
    NO_DIRECTORY_FSYNC,
    NO_FSYNC
  }

  /**
   * A {@link LocalDirectoryStore} whose heads/ files are written as {@link Head} says: through
   * {@link LocalDirectoryStore#createIfAbsent}, or published (temp file, link) with the file
   * fsynced and no directory fsync, or with no fsync at all. Other files go through the store.
   */
  static final class HeadVariantStore implements LedgerStore {
    private final LocalDirectoryStore store;
    private final Head head;

    HeadVariantStore(Path root, Head head) {
      this.store = new LocalDirectoryStore(root);
      this.head = head;
    }

    @Override
    public Optional<byte[]> read(String path) throws IOException {
      return store.read(path);
    }

    @Override
    public boolean createIfAbsent(String path, byte[] bytes) throws IOException {
      if (head == Head.FSYNCED || !path.startsWith(LedgerLayout.HEADS + "/")) {
        return store.createIfAbsent(path, bytes);
      }
      Path target = store.root().resolve(path);
      Path directory = Files.createDirectories(target.getParent());
      if (Files.exists(target)) {
        return false;
      }
      Path temp = directory.resolve(".tmp-" + UUID.randomUUID());
      try {
        try (FileChannel channel =
            FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          ByteBuffer buffer = ByteBuffer.wrap(bytes);
          while (buffer.hasRemaining()) {
            channel.write(buffer);
          }
          if (head == Head.NO_DIRECTORY_FSYNC) {
            channel.force(true);
          }
        }
        try {
          Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
          return false;
        }
      } finally {
        Files.deleteIfExists(temp);
      }
      return true;
    }

    @Override
    public List<String> list(String directory) throws IOException {
      return store.list(directory);
    }

    @Override
    public String location() {
      return store.location();
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
