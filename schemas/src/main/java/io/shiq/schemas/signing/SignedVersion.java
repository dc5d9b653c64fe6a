package io.shiq.schemas.signing;

import io.shiq.avro.PolicyVersion;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bytes a {@link PolicyVersion}'s signature covers: a domain tag, then every field but {@code signature} itself,
 * in the order of {@link #FIELDS}, each encoded so that no two different records give the same bytes (and not the
 * Avro encoding, which would tie the signature to one schema version):
 * <pre>
 *   string      0x01, int32 big-endian length, UTF-8 bytes      (null: 0x00)
 *   long, int   0x01, 8 or 4 bytes big-endian                    (null: 0x00)
 *   enum        as the string of its symbol
 *   timestamp   as the long of its epoch milliseconds (what Avro's timestamp-millis keeps)
 * </pre>
 * A field added to PolicyVersion later is not signed until it is added here with a new {@link #DOMAIN}; a test checks
 * that every field of the schema is either signed or the signature.
 */
public final class SignedVersion {
  /** Names the encoding; a change of {@link #FIELDS} or of the encoding needs a new one. */
  public static final String DOMAIN = "shiq.PolicyVersion.ed25519.v1";
  /** The fields signed, in order: everything that decides what an actor loads and how it reports it. */
  public static final List<String> FIELDS = List.of("arm", "version", "learnerStep", "format", "modelConfigJson",
      "sizeBytes", "sha256", "transport", "chunkCount", "uri", "objective", "parentVersion", "createdAt", "sourceArm",
      "sourceVersion", "reason", "signingKeyId");
  /** The one field outside the signed bytes. */
  public static final String SIGNATURE_FIELD = "signature";

  private SignedVersion() {}

  /** The bytes to sign or verify for {@code v} (its {@code signature} is ignored). */
  public static byte[] bytes(PolicyVersion v) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      string(out, DOMAIN);
      string(out, v.getArm());
      out.writeLong(v.getVersion());
      out.writeLong(v.getLearnerStep());
      string(out, v.getFormat());
      string(out, v.getModelConfigJson());
      out.writeLong(v.getSizeBytes());
      string(out, v.getSha256());
      string(out, v.getTransport() == null ? null : v.getTransport().name());
      integer(out, v.getChunkCount());
      string(out, v.getUri());
      string(out, v.getObjective());
      longValue(out, v.getParentVersion());
      longValue(out, v.getCreatedAt() == null ? null : v.getCreatedAt().toEpochMilli());
      string(out, v.getSourceArm());
      longValue(out, v.getSourceVersion());
      string(out, v.getReason());
      string(out, v.getSigningKeyId());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return buffer.toByteArray();
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeByte(0);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeByte(1);
    out.writeInt(b.length);
    out.write(b);
  }

  private static void longValue(DataOutputStream out, Long x) throws IOException {
    out.writeByte(x == null ? 0 : 1);
    if (x != null) {
      out.writeLong(x);
    }
  }

  private static void integer(DataOutputStream out, Integer x) throws IOException {
    out.writeByte(x == null ? 0 : 1);
    if (x != null) {
      out.writeInt(x);
    }
  }
}
