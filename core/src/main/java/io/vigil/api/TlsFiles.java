package io.vigil.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.KeyManagerFactory;

/**
 * Loads {@code restapi.certfile} with a password-protected {@code keyfile} (PKCS#8
 * {@code ENCRYPTED PRIVATE KEY}, as {@code openssl pkcs8 -topk8} writes it), which Vert.x's PEM options cannot
 * read. Unencrypted keys go through Vert.x's own PEM support. Blocking file reads: call from a worker or before
 * the server starts.
 */
final class TlsFiles {
  private TlsFiles() {}

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----", Pattern.DOTALL);

  static KeyManagerFactory keyManagerFactory(String certfile, String keyfile, char[] password)
      throws IOException, GeneralSecurityException {
    List<Certificate> chain = new ArrayList<>();
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    for (String[] block : blocks(certfile)) {
      if (block[0].equals("CERTIFICATE")) {
        chain.add(cf.generateCertificate(new ByteArrayInputStream(Base64.getMimeDecoder().decode(block[1]))));
      }
    }
    if (chain.isEmpty()) {
      throw new GeneralSecurityException("no certificate found in " + certfile);
    }
    PrivateKey key = null;
    for (String[] block : blocks(keyfile == null ? certfile : keyfile)) {
      byte[] der = Base64.getMimeDecoder().decode(block[1]);
      if (block[0].equals("ENCRYPTED PRIVATE KEY")) {
        key = decrypt(der, password);
      } else if (block[0].equals("PRIVATE KEY")) {
        key = pkcs8(der);
      }
    }
    if (key == null) {
      throw new GeneralSecurityException("no PKCS#8 private key found in " + (keyfile == null ? certfile : keyfile)
          + " (convert a legacy key with: openssl pkcs8 -topk8)");
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("restapi", key, password, chain.toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, password);
    return kmf;
  }

  private static PrivateKey decrypt(byte[] der, char[] password) throws IOException, GeneralSecurityException {
    EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
    // for PBES2 the parameters name the real scheme, e.g. PBEWithHmacSHA256AndAES_256
    String alg = info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
    SecretKeyFactory skf = SecretKeyFactory.getInstance(alg);
    Cipher cipher = Cipher.getInstance(alg);
    cipher.init(Cipher.DECRYPT_MODE, skf.generateSecret(new PBEKeySpec(password)), info.getAlgParameters());
    return pkcs8(info.getKeySpec(cipher).getEncoded());
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String alg : new String[] {"RSA", "EC", "Ed25519", "DSA"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new GeneralSecurityException("unsupported private key algorithm");
  }

  private static List<String[]> blocks(String file) throws IOException {
    String text = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
    List<String[]> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      out.add(new String[] {m.group(1), m.group(2).replaceAll("\\s", "")});
    }
    return out;
  }
}
