package io.vigil.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * Python's {@code RotatingFileHandler} as Patroni uses it for {@code log.dir}: writes {@code patroni.log};
 * when the next line would reach {@code maxBytes}, renames {@code patroni.log.N-1} to {@code .N} ... and
 * {@code patroni.log} to {@code .1}, keeping {@code backupCount} old files. (JUL's FileHandler names the
 * current file {@code .0}, which log shippers configured for Patroni would miss.)
 */
public final class RotatingFileHandler extends Handler {
  private final Path file;
  private final long maxBytes;
  private final int backupCount;
  private OutputStream out;
  private long size;

  public RotatingFileHandler(Path file, long maxBytes, int backupCount) throws IOException {
    this.file = file;
    this.maxBytes = maxBytes;
    this.backupCount = backupCount;
    Files.createDirectories(file.toAbsolutePath().getParent());
    open();
  }

  private void open() throws IOException {
    out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    size = Files.size(file);
  }

  @Override
  public synchronized void publish(LogRecord record) {
    if (!isLoggable(record)) {
      return;
    }
    byte[] bytes;
    try {
      bytes = getFormatter().format(record).getBytes(StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      reportError("cannot format log record", e, ErrorManager.FORMAT_FAILURE);
      return;
    }
    try {
      if (maxBytes > 0 && size > 0 && size + bytes.length >= maxBytes) {
        rotate();
      }
      out.write(bytes);
      out.flush();
      size += bytes.length;
    } catch (IOException e) {
      reportError("cannot write " + file, e, ErrorManager.WRITE_FAILURE);
    }
  }

  private void rotate() throws IOException {
    out.close();
    if (backupCount > 0) {
      for (int i = backupCount - 1; i >= 1; i--) {
        Path from = sibling(i);
        if (Files.exists(from)) {
          Files.move(from, sibling(i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.move(file, sibling(1), StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.delete(file);
    }
    open();
  }

  private Path sibling(int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }

  @Override
  public synchronized void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      reportError("cannot flush " + file, e, ErrorManager.FLUSH_FAILURE);
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      reportError("cannot close " + file, e, ErrorManager.CLOSE_FAILURE);
    }
  }
}
