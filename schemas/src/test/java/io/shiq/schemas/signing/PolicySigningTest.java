package io.shiq.schemas.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiq.avro.PolicyVersion;
import io.shiq.avro.WeightTransport;
import java.nio.ByteBuffer;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ed25519 signatures of policy versions: what they cover, who verifies them, and the key files. */
class PolicySigningTest {
  private static final KeyPair LEARNER = SigningKeys.generate();
  private static final KeyPair OTHER = SigningKeys.generate();

  /** A re-announcement, so that every nullable field has a value to change. */
  static PolicyVersion version() {
    return PolicyVersion.newBuilder().setArm("main").setVersion(7).setLearnerStep(700).setFormat("safetensors")
        .setModelConfigJson("{\"dim\":64}").setSizeBytes(123_456).setSha256("ab".repeat(32))
        .setTransport(WeightTransport.KAFKA_CHUNKS).setChunkCount(3).setUri("file:///w/main/v7")
        .setObjective("shiq").setParentVersion(6L).setCreatedAt(Instant.ofEpochMilli(1_700_000_000_123L))
        .setSourceArm("baseline").setSourceVersion(2L).setReason("rollback by experiment e1").build();
  }

  /** One change per signed field, each of the kind an attacker would make. */
  static Map<String, UnaryOperator<PolicyVersion.Builder>> tampering() {
    Map<String, UnaryOperator<PolicyVersion.Builder>> m = new LinkedHashMap<>();
    m.put("arm", b -> b.setArm("baseline"));
    m.put("version", b -> b.setVersion(8));
    m.put("learnerStep", b -> b.setLearnerStep(701));
    m.put("format", b -> b.setFormat("pt"));
    m.put("modelConfigJson", b -> b.setModelConfigJson("{\"dim\":65}"));
    m.put("sizeBytes", b -> b.setSizeBytes(123_457));
    m.put("sha256", b -> b.setSha256("cd".repeat(32)));
    m.put("transport", b -> b.setTransport(WeightTransport.URI));
    m.put("chunkCount", b -> b.setChunkCount(null));
    m.put("uri", b -> b.setUri("file:///tmp/evil.safetensors"));
    m.put("objective", b -> b.setObjective("dro"));
    m.put("parentVersion", b -> b.setParentVersion(5L));
    m.put("createdAt", b -> b.setCreatedAt(Instant.ofEpochMilli(1_700_000_000_124L)));
    m.put("sourceArm", b -> b.setSourceArm("main"));
    m.put("sourceVersion", b -> b.setSourceVersion(null));
    m.put("reason", b -> b.setReason(null));
    m.put("signingKeyId", b -> b.setSigningKeyId("0123456789abcdef"));
    return m;
  }

  @Test
  void aSignedVersionVerifiesAndSurvivesTheAvroRoundTrip() throws Exception {
    PolicySigner signer = new PolicySigner(LEARNER.getPrivate());
    PolicyVersion signed = signer.sign(version());
    assertEquals(SigningKeys.keyId(LEARNER.getPublic()), signed.getSigningKeyId());
    assertEquals(64, signed.getSignature().remaining(), "an Ed25519 signature is 64 bytes");
    PolicyVerifier verifier = new PolicyVerifier(List.of(LEARNER.getPublic()));
    assertTrue(verifier.verify(signed).ok(), verifier.verify(signed).toString());
    // what an actor sees: the record after Avro binary encoding and decoding
    PolicyVersion decoded = PolicyVersion.fromByteBuffer(signed.toByteBuffer());
    assertTrue(verifier.verify(decoded).ok(), verifier.verify(decoded).toString());
    // sub-millisecond createdAt (Instant.now()) is cut by Avro's timestamp-millis; the signature covers milliseconds
    PolicyVersion fine = signer.sign(PolicyVersion.newBuilder(version())
        .setCreatedAt(Instant.ofEpochSecond(1_700_000_000L, 123_456_789)).build());
    assertTrue(verifier.verify(PolicyVersion.fromByteBuffer(fine.toByteBuffer())).ok());
    // the signer does not change the record it was given
    assertNull(version().getSignature());
  }

  @Test
  void changingAnySignedFieldBreaksTheSignature() {
    PolicyVersion signed = new PolicySigner(LEARNER.getPrivate()).sign(version());
    PolicyVerifier verifier = new PolicyVerifier(List.of(LEARNER.getPublic()));
    Map<String, UnaryOperator<PolicyVersion.Builder>> tampering = tampering();
    assertEquals(SignedVersion.FIELDS, new ArrayList<>(tampering.keySet()), "one tampering per signed field");
    for (var e : tampering.entrySet()) {
      PolicyVersion changed = e.getValue().apply(PolicyVersion.newBuilder(signed)).build();
      assertNotEquals(signed, changed, e.getKey() + ": the tampering changes the record");
      PolicyVerifier.Verdict v = verifier.verify(changed);
      PolicyVerifier.Failure expected = e.getKey().equals("signingKeyId") ? PolicyVerifier.Failure.UNKNOWN_KEY
          : PolicyVerifier.Failure.BAD_SIGNATURE;
      assertEquals(expected, v.failure(), e.getKey() + ": " + v);
    }
  }

  @Test
  void everyFieldOfTheSchemaIsSignedButTheSignature() {
    List<String> schema = new ArrayList<>();
    for (Schema.Field f : PolicyVersion.getClassSchema().getFields()) {
      schema.add(f.name());
    }
    List<String> covered = new ArrayList<>(SignedVersion.FIELDS);
    covered.add(SignedVersion.SIGNATURE_FIELD);
    assertEquals(schema.stream().sorted().toList(), covered.stream().sorted().toList(),
        "a field added to PolicyVersion must be added to SignedVersion (with a new DOMAIN) or argued out");
  }

  @Test
  void theSignedBytesAreUnambiguous() {
    // moving characters between adjacent strings, or null against empty, must give other bytes
    PolicyVersion a = PolicyVersion.newBuilder(version()).setFormat("ab").setModelConfigJson("c").build();
    PolicyVersion b = PolicyVersion.newBuilder(version()).setFormat("a").setModelConfigJson("bc").build();
    assertFalse(java.util.Arrays.equals(SignedVersion.bytes(a), SignedVersion.bytes(b)));
    PolicyVersion nullReason = PolicyVersion.newBuilder(version()).setReason(null).build();
    PolicyVersion emptyReason = PolicyVersion.newBuilder(version()).setReason("").build();
    assertFalse(java.util.Arrays.equals(SignedVersion.bytes(nullReason), SignedVersion.bytes(emptyReason)));
    // the signature itself is outside the signed bytes
    PolicyVersion withSig = PolicyVersion.newBuilder(version()).setSignature(ByteBuffer.wrap(new byte[64])).build();
    assertArrayEquals(SignedVersion.bytes(version()), SignedVersion.bytes(withSig));
  }

  @Test
  void unsignedForeignCopiedAndMalformedSignaturesAreRefused() {
    PolicyVerifier verifier = new PolicyVerifier(List.of(LEARNER.getPublic()));
    assertEquals(PolicyVerifier.Failure.UNSIGNED, verifier.verify(version()).failure());
    PolicyVersion byOther = new PolicySigner(OTHER.getPrivate()).sign(version());
    PolicyVerifier.Verdict foreign = verifier.verify(byOther);
    assertEquals(PolicyVerifier.Failure.UNKNOWN_KEY, foreign.failure());
    assertTrue(foreign.detail().contains(byOther.getSigningKeyId()), foreign.detail());
    // another key's signature under the trusted key's id
    PolicyVersion relabelled = PolicyVersion.newBuilder(byOther).setSigningKeyId(SigningKeys.keyId(
        LEARNER.getPublic())).build();
    assertEquals(PolicyVerifier.Failure.BAD_SIGNATURE, verifier.verify(relabelled).failure());
    // a valid signature of version 7 copied onto version 8
    PolicySigner signer = new PolicySigner(LEARNER.getPrivate());
    PolicyVersion v7 = signer.sign(version());
    PolicyVersion v8 = signer.sign(PolicyVersion.newBuilder(version()).setVersion(8).build());
    PolicyVersion copied = PolicyVersion.newBuilder(v8).setSignature(v7.getSignature()).build();
    assertEquals(PolicyVerifier.Failure.BAD_SIGNATURE, verifier.verify(copied).failure());
    PolicyVersion truncated = PolicyVersion.newBuilder(v7).setSignature(ByteBuffer.wrap(new byte[10])).build();
    assertEquals(PolicyVerifier.Failure.BAD_SIGNATURE, verifier.verify(truncated).failure());
    PolicyVersion empty = PolicyVersion.newBuilder(v7).setSignature(ByteBuffer.wrap(new byte[0])).build();
    assertEquals(PolicyVerifier.Failure.UNSIGNED, verifier.verify(empty).failure());
    // trusting both keys accepts both
    PolicyVerifier both = new PolicyVerifier(List.of(LEARNER.getPublic(), OTHER.getPublic()));
    assertTrue(both.verify(byOther).ok() && both.verify(v7).ok());
    assertTrue(verifier.with(OTHER.getPublic()).verify(byOther).ok());
    assertFalse(verifier.verify(byOther).ok(), "with() leaves the verifier it was called on as it was");
  }

  @Test
  void keyFilesRoundTripAndTheWriterRefusesToOverwrite(@TempDir Path dir) throws Exception {
    KeyPair pair = SigningKeys.generate();
    String id = SigningKeys.writePair(pair, dir.resolve("keys"));
    assertTrue(id.matches("[0-9a-f]{16}"), id);
    Path key = dir.resolve("keys").resolve(SigningKeys.PRIVATE_FILE);
    Path pub = dir.resolve("keys").resolve(SigningKeys.PUBLIC_FILE);
    assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----\n"));
    assertTrue(Files.readString(pub).startsWith("-----BEGIN PUBLIC KEY-----\n"));
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
      assertFalse(SigningKeys.readableByOthers(key));
    }
    PolicySigner signer = PolicySigner.load(key);
    assertEquals(id, signer.keyId(), "the public key derived from the private key file has the pair's id");
    assertArrayEquals(pair.getPublic().getEncoded(), signer.publicKey().getEncoded());
    PolicyVerifier verifier = PolicyVerifier.load(List.of(pub));
    assertEquals(java.util.Set.of(id), verifier.keyIds());
    assertTrue(verifier.verify(signer.sign(version())).ok());

    String before = Files.readString(key);
    IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
        () -> SigningKeys.writePair(SigningKeys.generate(), dir.resolve("keys")));
    assertTrue(again.getMessage().contains(SigningKeys.PRIVATE_FILE) && again.getMessage().contains("exists"),
        again.getMessage());
    assertEquals(before, Files.readString(key), "the key in place is untouched");
  }

  @Test
  void onePublicKeyFileMayHoldSeveralKeys(@TempDir Path dir) throws Exception {
    Path pub = dir.resolve("trusted.pub");
    Files.writeString(pub, SigningKeys.pem("PUBLIC KEY", LEARNER.getPublic().getEncoded()) + "\n"
        + SigningKeys.pem("PUBLIC KEY", OTHER.getPublic().getEncoded()));
    PolicyVerifier verifier = PolicyVerifier.load(List.of(pub));
    assertEquals(2, verifier.keyIds().size());
    assertTrue(verifier.verify(new PolicySigner(OTHER.getPrivate()).sign(version())).ok());
  }

  @Test
  void badKeyFilesAreNamedWithWhatIsWrong(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("nope.pub");
    assertMessage(() -> PolicyVerifier.load(List.of(missing)), missing.toString(), "no such file");
    Path garbage = Files.writeString(dir.resolve("garbage.pub"), "hello\n");
    assertMessage(() -> PolicyVerifier.load(List.of(garbage)), garbage.toString(), "no '-----BEGIN PUBLIC KEY-----'");
    // the private key where the public one belongs, and the other way round
    SigningKeys.writePair(SigningKeys.generate(), dir);
    Path key = dir.resolve(SigningKeys.PRIVATE_FILE);
    Path pub = dir.resolve(SigningKeys.PUBLIC_FILE);
    assertMessage(() -> PolicyVerifier.load(List.of(key)), key.toString(), "found PRIVATE KEY");
    assertMessage(() -> PolicySigner.load(pub), pub.toString(), "found PUBLIC KEY");
    Path badBase64 = Files.writeString(dir.resolve("bad.pub"), "-----BEGIN PUBLIC KEY-----\nAAAA====AA\n"
        + "-----END PUBLIC KEY-----\n");
    assertMessage(() -> PolicyVerifier.load(List.of(badBase64)), badBase64.toString(), "PUBLIC KEY block 1");
    // an RSA key is not an Ed25519 key
    var rsa = java.security.KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    Path rsaPub = Files.writeString(dir.resolve("rsa.pub"), SigningKeys.pem("PUBLIC KEY",
        rsa.generateKeyPair().getPublic().getEncoded()));
    assertMessage(() -> PolicyVerifier.load(List.of(rsaPub)), rsaPub.toString(), "not an Ed25519 public key");
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
    }
  }
}
