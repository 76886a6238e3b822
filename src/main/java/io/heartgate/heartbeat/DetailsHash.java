package io.heartgate.heartbeat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What stands for a heartbeat's stored details (configurations, logs, extras) in its agents row on SQLite, so that
 * the writer can tell details that changed without reading them: the first 64 bits of the SHA-256 of the three
 * texts, each marked as absent or given with its length (so that no two different details make the same input).
 * One instance per batch: a digest is not shared between threads.
 */
final class DetailsHash {
  private final MessageDigest digest;
  private final ByteBuffer length = ByteBuffer.allocate(Integer.BYTES);

  DetailsHash() {
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  long of(HeartbeatBody body) {
    add(body.configurations());
    add(body.logs());
    add(body.extras());
    return ByteBuffer.wrap(digest.digest()).getLong();
  }

  private void add(String text) {
    if (text == null) {
      digest.update((byte) 0);
      return;
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    digest.update((byte) 1);
    digest.update(length.clear().putInt(bytes.length).array());
    digest.update(bytes);
  }
}
