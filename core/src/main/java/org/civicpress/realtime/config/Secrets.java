package org.civicpress.realtime.config;

/** Masking of secret values for toString() and messages: never show a secret, only whether it is set. */
public final class Secrets {
    private Secrets() {}

    public static String mask(String secret) {
        return secret == null || secret.isEmpty() ? "<unset>" : "****";
    }
}
