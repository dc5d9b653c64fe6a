package io.shiq.policy;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Inputs and the verdict for the property tests (jqwik) of every decoder of outside input: random bytes, mutations
 * of a valid input (bit flips, truncation, insertion, deletion, duplicated sections, huge length fields, tokens of the
 * format), and {@link #decode}, which lets a decoder return or throw its own named exception, nothing else, in
 * bounded time and without allocating far more than its input can justify.
 */
public final class Fuzz {
  /** Generous for a slow CI machine; a decoder of a few kilobytes takes microseconds. */
  public static final Duration TIME_LIMIT = Duration.ofSeconds(10);
  /** Lengths that break length fields: sign bit, all ones, 2^31 and near, 2^62, 2^63. */
  private static final long[] HUGE = {0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL, -1L, -2L, 1L << 30, 1L << 31,
      (1L << 31) - 8, 1L << 62, Long.MIN_VALUE, Long.MAX_VALUE, 0x7FFF_FFF0L, 65_536L, 0L};
  private static final ObjectMapper JSON = new ObjectMapper();

  private Fuzz() {}

  /**
   * One edit of a byte string. Positions and lengths are reduced modulo the input's length, so every edit applies to
   * every input (and shrinks towards the front of it).
   *
   * @param kind   what to do (see {@link #apply})
   * @param at     where, modulo the length
   * @param length how many bytes to delete, insert or duplicate (1..64)
   * @param value  the byte, bit, length field or token index
   */
  public record Edit(int kind, int at, int length, long value) {
    static final int KINDS = 10;

    /** The edited copy of {@code in}; {@code tokens} are the format's own words, inserted by kind 9. */
    byte[] apply(byte[] in, List<byte[]> tokens) {
      int n = in.length;
      int pos = n == 0 ? 0 : Math.floorMod(at, n);
      int gap = Math.floorMod(at, n + 1); // an insertion point: 0..n
      switch (kind) {
        case 0: // flip one bit
          if (n == 0) {
            return in;
          }
          byte[] flipped = in.clone();
          flipped[pos] ^= (byte) (1 << (value & 7));
          return flipped;
        case 1: // set one byte
          if (n == 0) {
            return in;
          }
          byte[] set = in.clone();
          set[pos] = (byte) value;
          return set;
        case 2: // truncate
          return Arrays.copyOf(in, gap);
        case 3: { // insert bytes of one value
          byte[] ins = new byte[length];
          Arrays.fill(ins, (byte) value);
          return splice(in, gap, 0, ins);
        }
        case 4: // delete a range
          return splice(in, pos, Math.min(length, n - pos), new byte[0]);
        case 5: // duplicate a section right after itself
          return splice(in, pos, 0, Arrays.copyOfRange(in, pos, Math.min(n, pos + length)));
        case 6: // a huge 32-bit field, little- or big-endian
        case 7: { // a huge 64-bit field
          int size = kind == 6 ? 4 : 8;
          long big = HUGE[Math.floorMod(value, HUGE.length)];
          ByteOrder order = (value & 1) == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
          ByteBuffer b = ByteBuffer.allocate(8).order(order);
          byte[] field = Arrays.copyOf(size == 4 ? b.putInt((int) big).array() : b.putLong(big).array(), size);
          byte[] out = Arrays.copyOf(in, Math.max(n, pos + size));
          System.arraycopy(field, 0, out, pos, size);
          return out;
        }
        case 8: // swap two bytes
          if (n < 2) {
            return in;
          }
          byte[] swapped = in.clone();
          int other = Math.floorMod(pos + length, n);
          byte t = swapped[pos];
          swapped[pos] = swapped[other];
          swapped[other] = t;
          return swapped;
        default: // a word of the format
          return tokens.isEmpty() ? in : splice(in, gap, 0, tokens.get(Math.floorMod(value, tokens.size())));
      }
    }
  }

  private static byte[] splice(byte[] in, int at, int remove, byte[] insert) {
    byte[] out = new byte[in.length - remove + insert.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(in, at + remove, out, at + insert.length, in.length - at - remove);
    return out;
  }

  /** One to {@code maxEdits} edits. */
  public static Arbitrary<List<Edit>> edits(int maxEdits) {
    Arbitrary<Long> values = Arbitraries.oneOf(Arbitraries.longs().between(0, 255), Arbitraries.longs(),
        Arbitraries.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L));
    return Combinators.combine(Arbitraries.integers().between(0, Edit.KINDS - 1), Arbitraries.integers(),
        Arbitraries.integers().between(1, 64), values).as(Edit::new).list().ofMinSize(1).ofMaxSize(maxEdits);
  }

  /** Mutations of {@code valid}: one to four edits (the unedited input is among the edge cases of a list of one). */
  public static Arbitrary<byte[]> mutationsOf(byte[] valid, String... tokens) {
    List<byte[]> words = Arrays.stream(tokens).map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    return edits(4).map(list -> {
      byte[] out = valid;
      for (Edit e : list) {
        out = e.apply(out, words);
      }
      return out;
    });
  }

  /**
   * Mutations of the text {@code valid}, edited as UTF-8 bytes and read back (broken sequences become U+FFFD, as a
   * decoder of bytes would see them), with {@code tokens} of the format inserted among the edits.
   */
  public static Arbitrary<String> mutationsOf(String valid, String... tokens) {
    return mutationsOf(valid.getBytes(StandardCharsets.UTF_8), tokens)
        .map(b -> new String(b, StandardCharsets.UTF_8));
  }

  /**
   * Structural mutations of the JSON document {@code json}: one to three nodes replaced by one of {@code values} (JSON
   * texts), removed, replaced by a copy of another node of the document, or wrapped in a list; the result printed
   * again. Reaches the checks behind the parser that byte edits rarely get past.
   */
  public static Arbitrary<String> jsonMutationsOf(String json, String... values) {
    JsonNode root = readJson(json);
    List<JsonNode> replacements = Arrays.stream(values).map(Fuzz::readJson).toList();
    Arbitrary<int[]> edit = Combinators.combine(Arbitraries.integers().greaterOrEqual(0),
        Arbitraries.integers().between(0, 4), Arbitraries.integers().greaterOrEqual(0),
        Arbitraries.integers().greaterOrEqual(0)).as((node, op, value, other) -> new int[] {node, op, value, other});
    return edit.list().ofMinSize(1).ofMaxSize(3).map(edits -> {
      JsonNode doc = root.deepCopy();
      for (int[] e : edits) {
        doc = editJson(doc, e, replacements);
      }
      return doc.toString();
    });
  }

  private static JsonNode readJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + text, e);
    }
  }

  /** Applies one edit {node, op, value, other} to {@code doc} (in place where it can) and returns the document. */
  private static JsonNode editJson(JsonNode doc, int[] e, List<JsonNode> values) {
    List<JsonNode[]> slots = new ArrayList<>(); // {parent, node}, pre-order; the root's parent is null
    collect(null, doc, slots);
    JsonNode[] slot = slots.get(e[0] % slots.size());
    JsonNode replacement = switch (e[1]) {
      case 0 -> values.isEmpty() ? NullNode.getInstance() : values.get(e[2] % values.size()).deepCopy();
      case 1 -> null; // remove
      case 2 -> slots.get(e[3] % slots.size())[1].deepCopy(); // another part of the document, duplicated here
      case 3 -> JSON.createArrayNode().add(slot[1].deepCopy());
      default -> JSON.createObjectNode().set("x", slot[1].deepCopy());
    };
    JsonNode parent = slot[0];
    if (parent == null) {
      return replacement == null ? JSON.createObjectNode() : replacement;
    }
    if (parent instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getValue() == slot[1]) {
          if (replacement == null) {
            it.remove();
          } else {
            f.setValue(replacement);
          }
          break;
        }
      }
    } else if (parent instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i) == slot[1]) {
          if (replacement == null) {
            a.remove(i);
          } else {
            a.set(i, replacement);
          }
          break;
        }
      }
    }
    return doc;
  }

  private static void collect(JsonNode parent, JsonNode node, List<JsonNode[]> out) {
    out.add(new JsonNode[] {parent, node});
    node.forEach(child -> collect(node, child, out));
  }

  /** Random bytes, mostly short, sometimes a few kilobytes. */
  public static Arbitrary<byte[]> randomBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(4096);
  }

  /** Random text of every kind of character, and random text over {@code alphabet} (the format's own characters). */
  public static Arbitrary<String> randomText(String alphabet) {
    return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(2000),
        Arbitraries.strings().withChars(alphabet.toCharArray()).ofMaxLength(2000));
  }

  /** What a decoder did with one input. */
  public record Outcome(Object value, RuntimeException error) {
    public boolean failed() {
      return error != null;
    }

    /** This outcome, after checking that a failure's message names {@code source} (the file, as the user gave it). */
    public Outcome naming(Object source) {
      if (failed() && !error.getMessage().contains(source.toString())) {
        throw new AssertionError("the error does not name " + source + ": " + error.getMessage(), error);
      }
      return this;
    }
  }

  /**
   * Runs {@code decoder} on one input of {@code inputBytes} bytes: it must return, or throw one of {@code named} with a
   * message; it must finish within {@link #TIME_LIMIT} and allocate at most 64 MB plus 256 bytes per input byte
   * (a length field of 2^31 must be checked against the bytes there are, not allocated). Anything else, an
   * IndexOutOfBounds, a NullPointerException, a ClassCastException, a StackOverflowError or an OutOfMemoryError, fails
   * the property with the input's exception as the cause.
   */
  @SafeVarargs
  public static Outcome decode(long inputBytes, Callable<?> decoder, Class<? extends Exception>... named) {
    long budget = (64L << 20) + 256 * inputBytes;
    return assertTimeoutPreemptively(TIME_LIMIT, () -> {
      com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long before = threads.getCurrentThreadAllocatedBytes();
      Outcome outcome;
      try {
        outcome = new Outcome(decoder.call(), null);
      } catch (Exception e) {
        if (Arrays.stream(named).noneMatch(c -> c.isInstance(e))) {
          throw new AssertionError("the decoder threw " + e.getClass().getName() + ", not one of its named errors "
              + Arrays.stream(named).map(Class::getSimpleName).toList() + ": " + e, e);
        }
        if (e.getMessage() == null || e.getMessage().isBlank()) {
          throw new AssertionError("the decoder threw " + e.getClass().getName() + " without a message", e);
        }
        outcome = new Outcome(null, e instanceof RuntimeException r ? r : new RuntimeException(e.getMessage(), e));
      } catch (StackOverflowError | OutOfMemoryError e) {
        throw new AssertionError("the decoder failed with " + e, e);
      }
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      if (allocated > budget) {
        throw new AssertionError("the decoder allocated " + allocated + " bytes for an input of " + inputBytes
            + " bytes (budget " + budget + ")");
      }
      return outcome;
    }, () -> "the decoder ran past " + TIME_LIMIT + " on an input of " + inputBytes + " bytes");
  }
}
