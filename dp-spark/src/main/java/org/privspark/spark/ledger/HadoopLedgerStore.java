package org.privspark.spark.ledger;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSDataOutputStreamBuilder;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.sql.SparkSession;
import org.privspark.core.Check;
import org.privspark.core.ledger.LedgerStore;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.spark.ClassicSession;

/**
 * A ledger on a Hadoop file system: {@code hdfs://}, {@code s3a://} or {@code file://} (the same
 * locations a Spark job reads and writes). Each file system gets the put-if-absent its own
 * primitives make atomic, as Delta Lake's LogStore implementations do (docs/LEDGER-STORES.md):
 *
 * <ul>
 *   <li><b>hdfs://</b>: the bytes go to a temporary file in the target's directory, which is {@code
 *       hsync}ed and closed, then renamed to the final name with {@code FileContext.rename(tmp,
 *       target, Options.Rename.NONE)}. The NameNode performs that rename atomically and refuses it
 *       if the target exists.
 *   <li><b>s3a://</b>: one conditional PUT ({@code If-None-Match: *}, Hadoop 3.4.2+'s {@code
 *       fs.option.create.conditional.overwrite}). It needs a store that honours conditional writes
 *       (Amazon S3 does since 2024-08) and {@code fs.s3a.create.conditional.enabled} left on; a
 *       store configured with it off is refused, because without it two writers can both "create"
 *       the same entry and one spend would be lost.
 *   <li><b>file://</b>: delegated to {@link LocalDirectoryStore} (temp file, fsync, hard link,
 *       directory fsync), so the directory is byte-for-byte a local ledger: no Hadoop {@code .crc}
 *       side files, and the dp-core CLI can audit it as it stands.
 * </ul>
 *
 * Other schemes are refused: put-if-absent is the one primitive the ledger's optimistic concurrency
 * rests on, and a file system without an atomic one would let two writers overspend.
 *
 * <p>Temporary files start with {@code .tmp-} (as in {@link LocalDirectoryStore}) and are never
 * listed; one left behind by a crashed writer is harmless. Thread-safe. The {@link FileSystem} is
 * Hadoop's shared, cached instance and is not closed by this class.
 */
public final class HadoopLedgerStore implements LedgerStore {
  static final String TEMP_PREFIX = ".tmp-";
  private static final FsPermission OWNER_ONLY_FILE = new FsPermission((short) 0600);
  private static final FsPermission OWNER_ONLY_DIRECTORY = new FsPermission((short) 0700);

  /**
   * Hadoop 3.4.2's switch for S3A conditional writes (default true); per bucket as
   * fs.s3a.bucket.NAME.…
   */
  static final String S3A_CONDITIONAL_ENABLED = "fs.s3a.create.conditional.enabled";

  /** How {@link #createIfAbsent} is made atomic on this store's file system. */
  enum Protocol {
    /** file://: {@link LocalDirectoryStore}'s hard link. */
    LOCAL_LINK,
    /** hdfs://: hsync'ed temporary file, then rename that fails if the target exists. */
    RENAME_NO_OVERWRITE,
    /** s3a://: a single PUT with If-None-Match: *. */
    CONDITIONAL_PUT
  }

  private final String location;
  private final Protocol protocol;
  private final FileSystem fs;
  private final FileContext fc;
  private final Path root;
  private final LocalDirectoryStore local;

  private HadoopLedgerStore(
      String location,
      Protocol protocol,
      FileSystem fs,
      FileContext fc,
      Path root,
      LocalDirectoryStore local) {
    this.location = location;
    this.protocol = protocol;
    this.fs = fs;
    this.fc = fc;
    this.root = root;
    this.local = local;
  }

  /**
   * The ledger at {@code location}, such as {@code hdfs://namenode:8020/privacy/ledger-1}, {@code
   * s3a://bucket/privacy/ledger-1} or {@code file:///var/privacy/ledger-1}. A location without a
   * scheme is on {@code fs.defaultFS}.
   *
   * @param conf the Hadoop configuration (credentials, {@code fs.*} options)
   * @throws IllegalArgumentException if the scheme has no atomic put-if-absent here (not hdfs, s3a
   *     or file), or s3a has conditional writes switched off
   * @throws UncheckedIOException if the file system cannot be reached
   */
  public static HadoopLedgerStore of(String location, Configuration conf) {
    Check.notNull("location", location);
    Check.notNull("conf", conf);
    if (location.isBlank()) {
      throw new IllegalArgumentException(
          "location must be a file system URI such as hdfs://namenode:8020/ledger;"
              + " got an empty string");
    }
    Path path = new Path(location);
    URI uri = path.toUri();
    String scheme =
        uri.getScheme() != null ? uri.getScheme() : FileSystem.getDefaultUri(conf).getScheme();
    scheme = scheme == null ? "file" : scheme.toLowerCase(Locale.ROOT);
    try {
      switch (scheme) {
        case "file":
          {
            Path qualified = FileSystem.getLocal(conf).makeQualified(path);
            LocalDirectoryStore local =
                new LocalDirectoryStore(java.nio.file.Paths.get(qualified.toUri()));
            return new HadoopLedgerStore(
                qualified.toString(), Protocol.LOCAL_LINK, null, null, qualified, local);
          }
        case "hdfs":
          {
            FileSystem fs = path.getFileSystem(conf);
            Path qualified = fs.makeQualified(path);
            FileContext fc = FileContext.getFileContext(qualified.toUri(), conf);
            return new HadoopLedgerStore(
                qualified.toString(), Protocol.RENAME_NO_OVERWRITE, fs, fc, qualified, null);
          }
        case "s3a":
          {
            requireConditionalWrites(uri.getHost(), conf, location);
            FileSystem fs = path.getFileSystem(conf);
            requireConditionalWrites(uri.getHost(), fs.getConf(), location);
            Path qualified = fs.makeQualified(path);
            return new HadoopLedgerStore(
                qualified.toString(), Protocol.CONDITIONAL_PUT, fs, null, qualified, null);
          }
        default:
          throw new IllegalArgumentException(
              "location must be an hdfs://, s3a:// or file:// URI (file systems"
                  + " whose put-if-absent is atomic; see docs/LEDGER-STORES.md); got scheme '"
                  + scheme
                  + "' in "
                  + location);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the file system of " + location, e);
    }
  }

  /**
   * {@link #of(String, Configuration)} with the Hadoop configuration of {@code spark}'s context.
   *
   * @throws UnsupportedOperationException if {@code spark} is a Spark Connect session, which has no
   *     SparkContext: pass a Hadoop {@link Configuration} instead
   */
  public static HadoopLedgerStore of(String location, SparkSession spark) {
    ClassicSession.require(
        "spark",
        spark,
        "HadoopLedgerStore.of(location, spark)",
        "call HadoopLedgerStore.of(location, hadoopConfiguration) with a Hadoop Configuration of"
            + " the client's own");
    return of(location, spark.sparkContext().hadoopConfiguration());
  }

  private static void requireConditionalWrites(String bucket, Configuration conf, String location) {
    String perBucket =
        bucket == null ? null : conf.get("fs.s3a.bucket." + bucket + ".create.conditional.enabled");
    boolean enabled =
        perBucket != null
            ? Boolean.parseBoolean(perBucket.trim())
            : conf.getBoolean(S3A_CONDITIONAL_ENABLED, true);
    if (!enabled) {
      throw new IllegalArgumentException(
          S3A_CONDITIONAL_ENABLED
              + " must be true for a ledger on s3a (without conditional writes, two writers can"
              + " create the same entry and a spend is lost); got false for "
              + location
              + ". Use a store that supports If-None-Match, or keep the ledger on HDFS");
    }
  }

  /** How this store makes {@link #createIfAbsent} atomic. */
  Protocol protocol() {
    return protocol;
  }

  @Override
  public Optional<byte[]> read(String path) throws IOException {
    if (local != null) {
      return local.read(path);
    }
    try (FSDataInputStream in = fs.open(resolve(path))) {
      return Optional.of(in.readAllBytes());
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean createIfAbsent(String path, byte[] bytes) throws IOException {
    return create(path, bytes, false);
  }

  /**
   * As {@link #createIfAbsent}, readable by the owner only: mode 0600 from the moment the file
   * exists (new directories 0700) on file:// and HDFS. Object stores have no per-file mode: keep an
   * s3a:// openings store private by its bucket policy.
   */
  @Override
  public boolean createSecretIfAbsent(String path, byte[] bytes) throws IOException {
    return create(path, bytes, true);
  }

  private boolean create(String path, byte[] bytes, boolean secret) throws IOException {
    Check.notNull("bytes", bytes);
    if (local != null) {
      return secret ? local.createSecretIfAbsent(path, bytes) : local.createIfAbsent(path, bytes);
    }
    Path target = resolve(path);
    if (fs.exists(target)) {
      return false;
    }
    return protocol == Protocol.RENAME_NO_OVERWRITE
        ? renameIntoPlace(target, bytes, secret)
        : conditionalPut(target, bytes);
  }

  /*
   * HDFS. Why not create(target, overwrite=false)? It is atomic against other creators, but the
   * name is visible from the moment the file is opened: a reader catching up would see a partial
   * (or empty) entry, and a writer that dies mid-write leaves a truncated entry under its lease
   * until lease recovery, breaking the ledger for everyone. Writing a temporary file and renaming
   * it gives both properties: the rename is one NameNode operation, atomic and refused when the
   * target exists (Rename.NONE; FileSystem.rename would instead move into a directory), and the
   * NameNode syncs its edit log before answering, so the new name is durable. hsync() before
   * close makes every DataNode in the pipeline fsync the block first, so the name never points
   * at data that a power loss could take away.
   */
  private boolean renameIntoPlace(Path target, byte[] bytes, boolean secret) throws IOException {
    Path parent = target.getParent();
    if (secret) {
      // FileSystem.mkdirs applies the umask to the permission; the owner-only mode needs no more.
      fs.mkdirs(parent, OWNER_ONLY_DIRECTORY);
    } else {
      fs.mkdirs(parent);
    }
    Path temp = new Path(parent, TEMP_PREFIX + UUID.randomUUID());
    boolean renamed = false;
    try {
      try (FSDataOutputStream out =
          secret
              ? fs.create(
                  temp,
                  OWNER_ONLY_FILE,
                  false,
                  fs.getConf().getInt("io.file.buffer.size", 4096),
                  fs.getDefaultReplication(temp),
                  fs.getDefaultBlockSize(temp),
                  null)
              : fs.create(temp, false)) {
        if (!out.hasCapability(StreamCapabilities.HSYNC)) {
          throw new IOException(
              "the output stream of " + temp + " cannot hsync, so the entry would not be durable");
        }
        out.write(bytes);
        out.hsync();
      }
      try {
        fc.rename(temp, target, Options.Rename.NONE);
        renamed = true;
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } catch (IOException e) {
        // An RPC that failed after the NameNode acted (the client retries through its retry cache,
        // but the answer can still be lost): decide by what is now at the target.
        Optional<Boolean> settled = settle(target, bytes);
        renamed = settled.orElse(false);
        return settled.orElseThrow(() -> e);
      }
    } finally {
      if (!renamed) {
        deleteQuietly(temp);
      }
    }
  }

  /*
   * S3A. An S3 object becomes visible only when its PUT (or multipart completion) succeeds, whole,
   * and S3 is durable and strongly consistent once it has answered; so one PUT carrying
   * If-None-Match: * is an atomic, durable put-if-absent. S3A sends it when the option below is
   * set (HADOOP-19256, Hadoop 3.4.2); must() makes a file system that does not know the option
   * refuse the build instead of silently overwriting (and S3A 3.4.2 with conditional writes off
   * fails it as "Conditional Writes Unavailable"). The condition is checked in close(), which then
   * fails with RemoteFileChangedException (HTTP 412) if another writer got there first.
   */
  private boolean conditionalPut(Path target, byte[] bytes) throws IOException {
    FSDataOutputStream out;
    try {
      FSDataOutputStreamBuilder<?, ?> builder = fs.createFile(target);
      builder.overwrite(false);
      builder.recursive();
      builder.must(Options.CreateFileOptionKeys.FS_OPTION_CREATE_CONDITIONAL_OVERWRITE, true);
      out = (FSDataOutputStream) builder.build();
    } catch (FileAlreadyExistsException e) {
      return false;
    }
    try {
      try (FSDataOutputStream closing = out) {
        closing.write(bytes);
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      // 412 Precondition Failed (RemoteFileChangedException), 409 conflict, or a lost answer.
      return settle(target, bytes).orElseThrow(() -> e);
    }
  }

  /**
   * After a write whose outcome is unknown: true if the target holds exactly our bytes (ours
   * landed: each entry carries fresh random commitment salts, so no other writer's bytes equal
   * ours), false if it holds other bytes (another writer won), empty if there is no target (the
   * write failed).
   */
  private Optional<Boolean> settle(Path target, byte[] bytes) throws IOException {
    Optional<byte[]> there;
    try (FSDataInputStream in = fs.open(target)) {
      there = Optional.of(in.readAllBytes());
    } catch (FileNotFoundException e) {
      there = Optional.empty();
    }
    return there.map(b -> Arrays.equals(b, bytes));
  }

  private void deleteQuietly(Path temp) {
    try {
      fs.delete(temp, false);
    } catch (IOException e) {
      // A leftover temporary file is never listed or read; it only takes space.
    }
  }

  @Override
  public List<String> list(String directory) throws IOException {
    if (local != null) {
      return local.list(directory);
    }
    FileStatus[] statuses;
    try {
      statuses = fs.listStatus(directory.isEmpty() ? root : resolve(directory));
    } catch (FileNotFoundException e) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (FileStatus status : statuses) {
      String name = status.getPath().getName();
      if (!name.startsWith(TEMP_PREFIX)) {
        names.add(name);
      }
    }
    names.sort(null);
    return names;
  }

  @Override
  public String location() {
    return location;
  }

  /** The file at {@code path} ('/'-separated, relative), refusing anything that leaves the root. */
  private Path resolve(String path) {
    Check.notNull("path", path);
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()
          || segment.equals(".")
          || segment.equals("..")
          || segment.contains(":")) {
        throw new IllegalArgumentException(
            "path must be relative, '/'-separated and stay inside the ledger"
                + " directory; got '"
                + path
                + "'");
      }
    }
    return new Path(root, path);
  }

  @Override
  public String toString() {
    return "HadoopLedgerStore[" + location + ", " + protocol + "]";
  }
}
