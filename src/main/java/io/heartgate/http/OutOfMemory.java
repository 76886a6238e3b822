package io.heartgate.http;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A JVM out of memory is half alive: event loops die one by one while the process lingers, deaf to SIGTERM. So
 * wherever an OutOfMemoryError surfaces (Vert.x's and Netty's handlers catch throwables, and so would a thread's
 * default handler) the process halts at once with exit code 3, for a supervisor to restart it. Halting skips
 * shutdown hooks on purpose: they could need the memory that is missing.
 */
public final class OutOfMemory {
  /** The exit code of a node that ran out of memory. */
  public static final int EXIT_CODE = 3;
  private static final Logger LOG = Logger.getLogger(OutOfMemory.class.getName());

  private OutOfMemory() {
  }

  /**
   * Loads this class and its logger while there is memory: loaded first when memory has run out, it could fail to
   * initialise, and then nothing would halt the node.
   */
  public static void arm() {
    LOG.fine("armed");
  }

  /** Halts when the failure is, or was caused by, running out of memory; does nothing otherwise. */
  public static void exitOn(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof OutOfMemoryError) {
        try {
          LOG.log(Level.SEVERE, "out of memory: halting (exit " + EXIT_CODE + ")");
        } finally {
          Runtime.getRuntime().halt(EXIT_CODE);
        }
      }
    }
  }
}
