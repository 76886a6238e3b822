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
  /**
   * Request/reply: a router event loop's heartbeats of one turn in, one reply once each is committed or refused
   * (the reply names the refusals).
   */
  public static final String HEARTBEAT_WRITE = "heartbeat.write";

  private Addresses() {
  }
}
