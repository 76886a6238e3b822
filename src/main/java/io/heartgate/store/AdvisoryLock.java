package io.heartgate.store;

/**
 * Every PostgreSQL advisory lock Heartgate takes, with its key, so that no two purposes can share one: a
 * migration lock equal to a job's leadership lock would keep every other node from starting while a leader lives.
 */
public enum AdvisoryLock {
  /** Held for the migration transaction of a starting node. */
  MIGRATIONS(0x4865617274676174L),
  /** Held by the node that runs the agent auto-delete job. */
  AGENT_SWEEP(0x4865617274676175L),
  /**
   * Held while a change to what configs and config groups serve is checked and written: a config's TOML (new with
   * constants, edited, rolled back), a constant (new, changed, deleted), a group's members (see {@link
   * ExclusiveSection}).
   */
  GROUP_CONTENT(0x4865617274676176L);

  private final long key;

  AdvisoryLock(long key) {
    this.key = key;
  }

  public long key() {
    return key;
  }
}
