package io.heartgate.bus;

/** Every event-bus address, named once. All are local to one node. */
public final class Addresses {
  /** Request/reply: a token hash in, the grant out (or a 401 failure). */
  public static final String AUTH_VERIFY = "auth.verify";
  /**
   * Request/reply: an invalidation in to this node's one verifier; the reply says it has dropped what it cached, so
   * the response to the change that narrowed a grant goes out after it. Other nodes hear through the change feed.
   */
  public static final String AUTH_INVALIDATE = "auth.invalidate";
  /** Request/reply: one heartbeat in, the reply once it is committed (or a 503 failure). */
  public static final String HEARTBEAT_WRITE = "heartbeat.write";

  private Addresses() {
  }
}
