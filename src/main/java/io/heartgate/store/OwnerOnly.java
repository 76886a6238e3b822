package io.heartgate.store;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files and folders that hold secrets (password and token hashes, the session secret, token values), created
 * readable by their owner alone from the start, whatever the process's umask; where the file system has no POSIX
 * permissions, as it is.
 */
public final class OwnerOnly {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private OwnerOnly() {
  }

  /** A new, empty file with mode 0600; fails when it exists. */
  public static Path createFile(Path file) throws IOException {
    return POSIX ? Files.createFile(file, mode("rw-------")) : Files.createFile(file);
  }

  /** The folder and any missing parent, those it creates with mode 0700. */
  public static Path createDirectories(Path folder) throws IOException {
    return POSIX ? Files.createDirectories(folder, mode("rwx------")) : Files.createDirectories(folder);
  }

  private static FileAttribute<?> mode(String permissions) {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions));
  }
}
