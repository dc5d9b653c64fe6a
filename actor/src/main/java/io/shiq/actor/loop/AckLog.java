package io.shiq.actor.loop;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * An append-only file of the trajectories whose records the broker acknowledged, one line each:
 * {@code id<TAB>topic<TAB>partition<TAB>offset}. Each line is handed to the operating system in one write before the
 * next acknowledgement is handled, so a process killed outright (SIGKILL) loses no line of an acknowledged record:
 * this is the evidence {@code shiq chaos} audits against the replay buffer. A line cut short by a killed write is
 * ignored when read.
 */
public final class AckLog implements AutoCloseable {
  /** One acknowledged trajectory record. */
  public record Entry(String trajectoryId, String topic, int partition, long offset) {}

  private final Path file;
  private final FileOutputStream out;

  private AckLog(Path file, FileOutputStream out) {
    this.file = file;
    this.out = out;
  }

  /** Opens {@code file} for appending (created with its directory if missing). */
  public static AckLog append(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    return new AckLog(file, new FileOutputStream(file.toFile(), true));
  }

  /** Records one acknowledgement (called on the producer's I/O thread). */
  public synchronized void acknowledged(String trajectoryId, RecordMetadata where) {
    byte[] line = (trajectoryId + "\t" + where.topic() + "\t" + where.partition() + "\t" + where.offset() + "\n")
        .getBytes(StandardCharsets.UTF_8);
    try {
      out.write(line); // unbuffered: one write(2) per line
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the acknowledgement log " + file, e);
    }
  }

  /** The complete lines of {@code file}, in order (none when it does not exist). */
  public static List<Entry> read(Path file) throws IOException {
    List<Entry> entries = new ArrayList<>();
    if (!Files.exists(file)) {
      return entries;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    if (end < 0) {
      return entries;
    }
    for (String line : text.substring(0, end).split("\n")) {
      String[] f = line.split("\t");
      if (f.length == 4) {
        try {
          entries.add(new Entry(f[0], f[1], Integer.parseInt(f[2]), Long.parseLong(f[3])));
        } catch (NumberFormatException e) {
          // a line of a write cut short, followed by later lines: not an acknowledgement
        }
      }
    }
    return entries;
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
