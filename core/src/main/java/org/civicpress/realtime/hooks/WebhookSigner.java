package org.civicpress.realtime.hooks;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-Realtime-Signature: sha256=<hex HMAC-SHA256(secret, body)>}, the GitHub-style scheme:
 * receivers recompute it over the raw body bytes and compare in constant time ({@link #verify}).
 */
public final class WebhookSigner {
    public static final String SIGNATURE_HEADER = "X-Realtime-Signature";
    public static final String EVENT_ID_HEADER = "X-Realtime-Event-Id";
    public static final String EVENT_HEADER = "X-Realtime-Event";
    public static final String ATTEMPT_HEADER = "X-Realtime-Delivery-Attempt";
    private static final String PREFIX = "sha256=";

    private WebhookSigner() {}

    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e); // every Java 17 runtime has it
        }
    }

    public static boolean verify(String secret, byte[] body, String signatureHeader) {
        if (signatureHeader == null) return false;
        return MessageDigest.isEqual(
                sign(secret, body).getBytes(StandardCharsets.US_ASCII),
                signatureHeader.trim().getBytes(StandardCharsets.US_ASCII));
    }
}
