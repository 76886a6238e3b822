package io.heartgate.testsupport;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;

/** Every thread of the test JVM with its whole stack and what it waits for: for a test that got no answer. */
final class ThreadDump {
  private ThreadDump() {
  }

  static String now() {
    StringBuilder dump = new StringBuilder("Threads of the test JVM:\n");
    for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      dump.append('"').append(thread.getThreadName()).append("\" ").append(thread.getThreadState());
      LockInfo waitingFor = thread.getLockInfo();
      if (waitingFor != null) {
        dump.append(" on ").append(waitingFor).append(" held by ").append(thread.getLockOwnerName());
      }
      dump.append('\n');
      for (StackTraceElement frame : thread.getStackTrace()) {
        dump.append("    at ").append(frame).append('\n');
      }
    }
    return dump.toString();
  }
}
