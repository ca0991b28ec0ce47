package org.privspark.core.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.privspark.core.Check;

/**
 * A ledger in a local directory.
 *
 * <p>{@link #createIfAbsent}: the bytes go to a temporary file in the same directory, which is
 * fsynced and then hard-linked to the final name; {@code link(2)} fails if the name exists, so the
 * put-if-absent is atomic and a reader sees either no file or the whole file. The directory is
 * fsynced after the link so that the new name survives a crash ({@link #createRederivableIfAbsent},
 * used for checkpoints, skips that last fsync).
 */
public final class LocalDirectoryStore implements LedgerStore {
  private static final String TEMP_PREFIX = ".tmp-";
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");

  /** Whether the default file system has POSIX permissions (Linux, macOS; not Windows). */
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  /** The largest file {@link #read} returns: 64 MiB, far above any ledger file. */
  static final long MAX_FILE_BYTES = 64L << 20;

  private final Path root;

  public LocalDirectoryStore(Path root) {
    this.root = Check.notNull("root", root).toAbsolutePath();
  }

  public Path root() {
    return root;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IOException also for a file larger than {@value #MAX_FILE_BYTES} bytes: no ledger file
   *     is near that size, and reading one whole could exhaust the heap
   */
  @Override
  public Optional<byte[]> read(String path) throws IOException {
    Path file = resolve(path);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > MAX_FILE_BYTES) {
        throw new IOException(
            path + " is " + size + " bytes; ledger files must be at most " + MAX_FILE_BYTES);
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) size);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // read until full or end of file (a file that shrank while read is returned short)
      }
      return Optional.of(
          buffer.hasRemaining()
              ? java.util.Arrays.copyOf(buffer.array(), buffer.position())
              : buffer.array());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean createIfAbsent(String path, byte[] bytes) throws IOException {
    return create(path, bytes, true);
  }

  /**
   * As {@link #createIfAbsent}, without the directory fsync: the file's bytes are fsynced before
   * the link, so after a crash the name is either absent or names the whole file.
   */
  @Override
  public boolean createRederivableIfAbsent(String path, byte[] bytes) throws IOException {
    return create(path, bytes, false);
  }

  /**
   * Both files for the cost of two journal commits instead of three: the entry's temporary file is
   * fsynced (commit 1) and linked; the companion's temporary file is then fsynced, which on a
   * journaling file system also commits the entry's new name (commit 2), and linked; the directory
   * fsync that guarantees the entry's name on any POSIX system then finds nothing left to commit.
   * The companion's name is not made durable: it is re-derivable.
   */
  @Override
  public boolean createIfAbsentWithCompanion(
      String path, byte[] bytes, String companion, byte[] companionBytes) throws IOException {
    Path target = resolve(path);
    Path companionTarget = resolve(companion);
    Files.createDirectories(target.getParent());
    Files.createDirectories(companionTarget.getParent());
    if (!link(target, bytes)) {
      return false;
    }
    link(companionTarget, companionBytes);
    syncDirectory(target.getParent());
    return true;
  }

  /**
   * As {@link #createIfAbsent}, with the file created mode 0600 (its temporary file is created so,
   * never widened then narrowed) and missing directories 0700, where the file system is POSIX.
   */
  @Override
  public boolean createSecretIfAbsent(String path, byte[] bytes) throws IOException {
    Path target = resolve(path);
    if (POSIX) {
      Files.createDirectories(
          target.getParent(), PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
    } else {
      Files.createDirectories(target.getParent());
    }
    if (!link(target, bytes, true)) {
      return false;
    }
    syncDirectory(target.getParent());
    return true;
  }

  private boolean create(String path, byte[] bytes, boolean durableName) throws IOException {
    Path target = resolve(path);
    Files.createDirectories(target.getParent());
    if (!link(target, bytes)) {
      return false;
    }
    if (durableName) {
      syncDirectory(target.getParent());
    }
    return true;
  }

  private static boolean link(Path target, byte[] bytes) throws IOException {
    return link(target, bytes, false);
  }

  /**
   * Writes and fsyncs a temporary file beside {@code target} (readable by its owner only when
   * {@code ownerOnly} and the file system is POSIX), then hard-links it to {@code target}: false,
   * changing nothing, if {@code target} exists.
   */
  private static boolean link(Path target, byte[] bytes, boolean ownerOnly) throws IOException {
    if (Files.exists(target)) {
      return false;
    }
    Path temp = target.getParent().resolve(TEMP_PREFIX + UUID.randomUUID());
    FileAttribute<?>[] attributes =
        ownerOnly && POSIX
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE)}
            : new FileAttribute<?>[0];
    try {
      try (FileChannel channel =
          FileChannel.open(
              temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.createLink(target, temp);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public List<String> list(String directory) throws IOException {
    Path dir = resolve(directory);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(TEMP_PREFIX))
          .forEach(names::add);
    } catch (NoSuchFileException e) {
      return List.of(); // removed since the check above
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause(); // the directory failed while being listed: an IOException, as documented
    }
    names.sort(null);
    return names;
  }

  @Override
  public String location() {
    return root.toString();
  }

  private Path resolve(String path) {
    Path resolved = root.resolve(path).normalize();
    if (!resolved.startsWith(root)) {
      throw new IllegalArgumentException("path must stay inside the ledger directory; got " + path);
    }
    return resolved;
  }

  /** fsync of a directory: makes a new name in it durable (Linux and macOS; a no-op elsewhere). */
  private static void syncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open a directory; their file systems order the metadata.
      if (!System.getProperty("os.name", "").startsWith("Windows")) {
        throw e;
      }
    }
  }
}
