package io.shiq.policy.tokenizer;

import io.shiq.policy.io.ModelFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The llama2.c tokenizer (tokenizer.bin / tok512.bin): a SentencePiece-style BPE vocabulary with scores and byte
 * fallback. Encoding and decoding follow llama2.c's run.c exactly: a dummy-prefix space, UTF-8 characters looked
 * up one by one (unknown ones fall back to bytes, id = byte + 3), then repeated merges of the adjacent pair whose
 * merged piece has the highest score; decoding strips the leading space of a piece that follows BOS and maps
 * {@code <0xNN>} pieces to raw bytes.
 */
public final class Llama2cTokenizer implements Tokenizer {
  public static final int UNK = 0;
  public static final int BOS = 1;
  public static final int EOS = 2;
  private static final int BYTE_OFFSET = 3;

  private final byte[][] pieces;
  private final float[] scores;
  private final Map<String, Integer> ids = new HashMap<>(); // keys: pieces as ISO-8859-1 strings (byte exact)
  private final String id;

  private Llama2cTokenizer(byte[][] pieces, float[] scores, String id) {
    this.pieces = pieces;
    this.scores = scores;
    this.id = id;
    for (int i = 0; i < pieces.length; i++) {
      ids.putIfAbsent(key(pieces[i]), i);
    }
  }

  /** Loads a tokenizer file with {@code vocabSize} entries (the model's vocabulary size). */
  public static Llama2cTokenizer load(Path file, int vocabSize) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ModelFormatException("tokenizer not found: " + file);
    } catch (IOException e) {
      throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    byte[][] pieces = new byte[vocabSize][];
    float[] scores = new float[vocabSize];
    try {
      in.getInt(); // max_token_length: not needed in Java
      for (int i = 0; i < vocabSize; i++) {
        scores[i] = in.getFloat();
        int len = in.getInt();
        if (len < 0 || len > in.remaining()) {
          throw new ModelFormatException(file + ": token " + i + " has length " + len + " with " + in.remaining()
              + " bytes left");
        }
        pieces[i] = new byte[len];
        in.get(pieces[i]);
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new ModelFormatException(file + ": truncated: expected " + vocabSize + " tokens");
    }
    return new Llama2cTokenizer(pieces, scores, "llama2c:" + file.getFileName().toString().replaceAll("\\.bin$", ""));
  }

  @Override
  public int[] encode(String text, boolean bos, boolean eos) {
    List<Integer> tokens = new ArrayList<>();
    if (bos) {
      tokens.add(BOS);
    }
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > 0) {
      Integer space = ids.get(" ");
      if (space != null) {
        tokens.add(space);
      }
    }
    // As llama2.c: every token, the dummy prefix included, takes part in merges.
    // One UTF-8 character at a time (a lead byte and its continuation bytes).
    int i = 0;
    while (i < utf8.length) {
      int j = i + 1;
      while (j < utf8.length && (utf8[j] & 0xC0) == 0x80 && j - i < 4) {
        j++;
      }
      Integer id = ids.get(new String(utf8, i, j - i, StandardCharsets.ISO_8859_1));
      if (id != null) {
        tokens.add(id);
      } else {
        for (int k = i; k < j; k++) {
          tokens.add((utf8[k] & 0xFF) + BYTE_OFFSET);
        }
      }
      i = j;
    }
    merge(tokens);
    if (eos) {
      tokens.add(EOS);
    }
    return tokens.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The vocabulary entry of {@code id} as stored in the tokenizer file (byte tokens as {@code <0xNN>}). */
  public byte[] rawPiece(int id) {
    return pieces[id].clone();
  }

  /** The merge score of {@code id}. */
  public float score(int id) {
    return scores[id];
  }

  /**
   * Merges the best-scoring adjacent pair until none merges, choosing exactly as llama2.c's loop does (highest
   * score, the leftmost pair on ties) but with a heap over a linked list: llama2.c rescans every pair after each
   * merge, which is quadratic and took minutes on the few-thousand-character prompts of tool-calling episodes.
   */
  private void merge(List<Integer> tokens) {
    int n = tokens.size();
    if (n < 2) {
      return;
    }
    int[] id = new int[n];
    int[] next = new int[n];
    int[] prev = new int[n];
    int[] version = new int[n];
    boolean[] alive = new boolean[n];
    for (int k = 0; k < n; k++) {
      id[k] = tokens.get(k);
      next[k] = k + 1 < n ? k + 1 : -1;
      prev[k] = k - 1;
      alive[k] = true;
    }
    // Entries: {left position, version of left, version of right, merged id}; ordered by score desc, position asc.
    // Positions keep list order under merges (a merged node keeps its left position), so "leftmost" is stable.
    java.util.PriorityQueue<int[]> heap = new java.util.PriorityQueue<>((a, b) -> {
      int c = Float.compare(scores[b[3]], scores[a[3]]);
      return c != 0 ? c : Integer.compare(a[0], b[0]);
    });
    for (int k = 0; k + 1 < n; k++) {
      offerPair(heap, k, k + 1, id, version);
    }
    while (!heap.isEmpty()) {
      int[] e = heap.poll();
      int left = e[0];
      int right = alive[left] ? next[left] : -1;
      if (right < 0 || version[left] != e[1] || version[right] != e[2]) {
        continue; // stale: one side merged since this pair was offered
      }
      id[left] = e[3];
      version[left]++;
      alive[right] = false;
      next[left] = next[right];
      if (next[right] >= 0) {
        prev[next[right]] = left;
      }
      if (prev[left] >= 0) {
        offerPair(heap, prev[left], left, id, version);
      }
      if (next[left] >= 0) {
        offerPair(heap, left, next[left], id, version);
      }
    }
    tokens.clear();
    for (int k = 0; k >= 0; k = next[k]) {
      tokens.add(id[k]);
    }
  }

  private void offerPair(java.util.PriorityQueue<int[]> heap, int left, int right, int[] id, int[] version) {
    Integer merged = ids.get(key(pieces[id[left]]) + key(pieces[id[right]]));
    if (merged != null) {
      heap.add(new int[] {left, version[left], version[right], merged});
    }
  }

  @Override
  public String decode(int[] tokens) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int prev = -1;
    for (int t : tokens) {
      if (t != BOS && t != EOS) {
        byte[] piece = piece(prev, t);
        out.write(piece, 0, piece.length);
      }
      prev = t;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Exactly what llama2.c prints for {@code token} after {@code prev}: its {@code safe_printf} drops pieces that are
   * a single non-printable, non-space byte (which includes raw bytes >= 0x80 of byte-fallback tokens).
   */
  public byte[] printedPiece(int prev, int token) {
    byte[] piece = piece(prev, token);
    if (piece.length == 1) {
      int b = piece[0] & 0xFF;
      boolean printable = b >= 0x20 && b < 0x7F;
      boolean space = b == ' ' || (b >= 0x09 && b <= 0x0D);
      if (!printable && !space) {
        return new byte[0];
      }
    }
    return piece;
  }

  /** The bytes of {@code token} following {@code prev}, as llama2.c's decode(). */
  public byte[] piece(int prev, int token) {
    byte[] p = pieces[token];
    int from = 0;
    if (prev == BOS && p.length > 0 && p[0] == ' ') {
      from = 1;
    }
    String s = new String(p, StandardCharsets.ISO_8859_1);
    if (s.length() == 6 && s.startsWith("<0x") && s.endsWith(">")) {
      try {
        return new byte[] {(byte) Integer.parseInt(s.substring(3, 5), 16)};
      } catch (NumberFormatException e) {
        // not a byte token after all: fall through and print it as is
      }
    }
    byte[] out = new byte[p.length - from];
    System.arraycopy(p, from, out, 0, out.length);
    return out;
  }

  @Override
  public int vocabSize() {
    return pieces.length;
  }

  @Override
  public int bosId() {
    return BOS;
  }

  @Override
  public List<Integer> eosIds() {
    return List.of(EOS);
  }

  /** EOS, and BOS: llama2.c models start the next story with BOS, and run.c stops generation there. */
  @Override
  public java.util.Set<Integer> stopTokens() {
    return java.util.Set.of(EOS, BOS);
  }

  @Override
  public String id() {
    return id;
  }

  private static String key(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
