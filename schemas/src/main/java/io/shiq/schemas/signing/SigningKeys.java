package io.shiq.schemas.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 keys of policy signing (the JDK's own provider, no dependency) and their PEM files: the private key as
 * PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), the public key as X.509 SubjectPublicKeyInfo
 * ({@code -----BEGIN PUBLIC KEY-----}), the forms {@code openssl genpkey -algorithm ed25519} and {@code openssl pkey
 * -pubout} write. A key is named by its id: the first 16 hex digits of the sha256 of its X.509 encoding.
 */
public final class SigningKeys {
  public static final String ALGORITHM = "Ed25519";
  public static final String PRIVATE_FILE = "policy-signing.key";
  public static final String PUBLIC_FILE = "policy-signing.pub";
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  private SigningKeys() {}

  /** A new key pair from the system's strong random source. */
  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no " + ALGORITHM + " (Java 15+ has)", e);
    }
  }

  /** The key id: first 16 hex digits of the sha256 of the X.509 encoding. */
  public static String keyId(PublicKey key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes {@code dir/policy-signing.key} (owner-only where the filesystem has POSIX permissions) and
   * {@code dir/policy-signing.pub}; refuses when either exists, so a key in use is never replaced by accident.
   *
   * @return the key id
   */
  public static String writePair(KeyPair pair, Path dir) {
    Path key = dir.resolve(PRIVATE_FILE);
    Path pub = dir.resolve(PUBLIC_FILE);
    for (Path p : List.of(key, pub)) {
      if (Files.exists(p)) {
        throw new IllegalArgumentException(p + " exists; not overwriting a key (move it away or choose another "
            + "directory)");
      }
    }
    try {
      Files.createDirectories(dir);
      writeNew(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), true);
      writeNew(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()), false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the key pair under " + dir + ": " + e, e);
    }
    return keyId(pair.getPublic());
  }

  private static void writeNew(Path file, String text, boolean secret) throws IOException {
    try {
      if (secret && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        // created owner-only, so the key is never readable by others, even for an instant
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      throw new IllegalArgumentException(file + " exists; not overwriting a key", e);
    }
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }

  /** One PEM block, base64 in lines of 64 as RFC 7468 asks. */
  public static String pem(String label, byte[] der) {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
  }

  /** The private key of a PKCS#8 PEM file; the exception names the file and what is wrong. */
  public static PrivateKey readPrivate(Path file) {
    List<byte[]> blocks = blocks(file, "PRIVATE KEY", "a private key (policy-signing.key)");
    if (blocks.size() != 1) {
      throw new IllegalArgumentException(file + ": " + blocks.size() + " PRIVATE KEY blocks; expected one");
    }
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(blocks.get(0)));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException(file + ": not an Ed25519 PKCS#8 private key (" + e.getMessage() + ")", e);
    }
  }

  /** Every public key of an X.509 PEM file (one or several PUBLIC KEY blocks). */
  public static List<PublicKey> readPublic(Path file) {
    List<PublicKey> out = new ArrayList<>();
    int n = 0;
    for (byte[] der : blocks(file, "PUBLIC KEY", "public keys (policy-signing.pub)")) {
      n++;
      try {
        out.add(KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der)));
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new IllegalArgumentException(file + ": PUBLIC KEY block " + n + " is not an Ed25519 public key ("
            + e.getMessage() + ")", e);
      }
    }
    return out;
  }

  /**
   * The public key of a private key. The JDK has no call for it, so its own generator is run with the private key's
   * 32 seed bytes as the "random" bytes it draws: Ed25519 derives the public key from exactly those.
   */
  public static PublicKey publicOf(PrivateKey key) {
    if (!(key instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
      throw new IllegalArgumentException("not an Ed25519 private key with its bytes: " + key.getAlgorithm());
    }
    byte[] seed = ed.getBytes().get();
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(ALGORITHM);
      g.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
        private static final long serialVersionUID = 1L;

        @Override
        public void nextBytes(byte[] bytes) {
          if (bytes.length != seed.length) {
            throw new IllegalStateException("the Ed25519 generator asked for " + bytes.length + " bytes");
          }
          System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
      });
      KeyPair pair = g.generateKeyPair();
      if (!java.util.Arrays.equals(pair.getPrivate().getEncoded(), key.getEncoded())) {
        throw new IllegalStateException("the derived key pair does not hold the given private key");
      }
      return pair.getPublic();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot derive the public key: " + e, e);
    }
  }

  /** Whether {@code file} can be read by users other than its owner (false where there are no POSIX permissions). */
  public static boolean readableByOthers(Path file) {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ);
    } catch (UnsupportedOperationException | IOException e) {
      return false;
    }
  }

  private static List<byte[]> blocks(Path file, String label, String expected) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file (expected " + expected + ")", e);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(file + ": cannot read (" + e + ")", e);
    }
    List<byte[]> out = new ArrayList<>();
    List<String> others = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (!m.group(1).equals(label)) {
        others.add(m.group(1));
        continue;
      }
      try {
        out.add(Base64.getMimeDecoder().decode(m.group(2)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": " + label + " block " + (out.size() + 1) + " is not base64 ("
            + e.getMessage() + ")", e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": no '-----BEGIN " + label + "-----' block"
          + (others.isEmpty() ? " (not a PEM file?)" : " (found " + String.join(", ", others) + ")")
          + "; expected " + expected);
    }
    return out;
  }
}
