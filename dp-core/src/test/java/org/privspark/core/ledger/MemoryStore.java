package org.privspark.core.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link LedgerStore} in memory, for property tests that need thousands of ledgers. Not
 * thread-safe.
 */
final class MemoryStore implements LedgerStore {
  private final TreeMap<String, byte[]> files;

  MemoryStore() {
    this(new TreeMap<>());
  }

  private MemoryStore(TreeMap<String, byte[]> files) {
    this.files = files;
  }

  /** A copy whose files can be changed without touching this store. */
  MemoryStore copy() {
    TreeMap<String, byte[]> copy = new TreeMap<>();
    files.forEach((k, v) -> copy.put(k, v.clone()));
    return new MemoryStore(copy);
  }

  /** Replaces a file's bytes, as damage would. */
  void overwrite(String path, byte[] bytes) {
    files.put(path, bytes.clone());
  }

  List<String> paths() {
    return List.copyOf(files.keySet());
  }

  @Override
  public Optional<byte[]> read(String path) {
    byte[] b = files.get(path);
    return b == null ? Optional.empty() : Optional.of(b.clone());
  }

  @Override
  public boolean createIfAbsent(String path, byte[] bytes) {
    return files.putIfAbsent(path, bytes.clone()) == null;
  }

  @Override
  public List<String> list(String directory) {
    List<String> names = new ArrayList<>();
    String prefix = directory + "/";
    for (Map.Entry<String, byte[]> e : files.tailMap(prefix).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      names.add(e.getKey().substring(prefix.length()));
    }
    return names;
  }

  @Override
  public String location() {
    return "memory:";
  }
}
