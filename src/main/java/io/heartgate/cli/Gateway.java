package io.heartgate.cli;

import io.heartgate.settings.Settings;

/** Runs a gateway node until it is told to stop; handed down by the start floor, which alone may start one. */
@FunctionalInterface
public interface Gateway {
  /** @return the process's exit code: 0 after a graceful stop, 1 when the node could not start */
  int serve(Settings settings);
}
