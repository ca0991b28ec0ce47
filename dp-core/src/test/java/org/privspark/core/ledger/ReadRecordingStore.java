package org.privspark.core.ledger;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A store in front of another that counts the reads of each file and can serve other bytes the
 * first time a file is read: what a store that changes between two reads (or a storage attacker who
 * answers each read differently) shows a reader that reads a file twice.
 */
final class ReadRecordingStore implements LedgerStore {
  private final LedgerStore store;
  private final Map<String, byte[]> firstRead = new HashMap<>();
  private final Map<String, Integer> reads = new HashMap<>();

  ReadRecordingStore(LedgerStore store) {
    this.store = store;
  }

  /** The first read of {@code path} returns {@code bytes}; later reads the stored file. */
  ReadRecordingStore onFirstRead(String path, byte[] bytes) {
    firstRead.put(path, bytes.clone());
    return this;
  }

  /** How often each file was read. */
  Map<String, Integer> reads() {
    return Map.copyOf(reads);
  }

  @Override
  public Optional<byte[]> read(String path) throws IOException {
    int n = reads.merge(path, 1, Integer::sum);
    if (n == 1 && firstRead.containsKey(path)) {
      return Optional.of(firstRead.get(path).clone());
    }
    return store.read(path);
  }

  @Override
  public boolean createIfAbsent(String path, byte[] bytes) {
    throw new UnsupportedOperationException("read only");
  }

  @Override
  public List<String> list(String directory) throws IOException {
    return store.list(directory);
  }

  @Override
  public String location() {
    return "recording:" + store.location();
  }
}
