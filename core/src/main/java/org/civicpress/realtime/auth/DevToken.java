package org.civicpress.realtime.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.civicpress.realtime.config.Durations;

/**
 * Mints an HS256 development token with the server's own jar (docs/security.md):
 * <pre>
 * java -cp http/target/realtime-server.jar org.civicpress.realtime.auth.DevToken \
 *     [token] --secret $SECRET --sub alice --room 'doc-*=write' --room 'doc-7=read' --ttl 1h
 * </pre>
 * Options: {@code --secret} (else {@code REALTIME_AUTH_JWT_HS256_SECRET}, which keeps it out of the shell
 * history), {@code --sub} (required), {@code --room PATTERN=read|write} (repeatable), {@code --role ROLE}
 * (repeatable, e.g. realtime:admin), {@code --ttl} (default 1h), {@code --iss}, {@code --aud}. Prints only the
 * token, so that {@code TOKEN=$(java ... DevToken ...)} works.
 */
public final class DevToken {
    private DevToken() {}

    public static void main(String[] args) {
        try {
            System.out.println(mint(args, System.getenv(), Clock.systemUTC()));
        } catch (IllegalArgumentException e) {
            System.err.println("DevToken: " + e.getMessage());
            System.err.println("usage: DevToken [token] --secret S --sub USER [--room PATTERN=read|write]... "
                    + "[--role ROLE]... [--ttl 1h] [--iss ISSUER] [--aud AUDIENCE]");
            System.exit(2);
        }
    }

    /** The token for {@code args}; {@code env} supplies REALTIME_AUTH_JWT_HS256_SECRET when --secret is absent. */
    public static String mint(String[] args, Map<String, String> env, Clock clock) {
        String secret = env.get("REALTIME_AUTH_JWT_HS256_SECRET");
        String sub = null;
        String iss = null;
        String aud = null;
        Duration ttl = Duration.ofHours(1);
        Map<String, String> rooms = new LinkedHashMap<>();
        List<String> roles = new ArrayList<>();
        int i = args.length > 0 && "token".equals(args[0]) ? 1 : 0;
        for (; i < args.length; i++) {
            String opt = args[i];
            if (i + 1 >= args.length) throw new IllegalArgumentException(opt + " needs a value");
            String v = args[++i];
            switch (opt) {
                case "--secret" -> secret = v;
                case "--sub" -> sub = v;
                case "--iss" -> iss = v;
                case "--aud" -> aud = v;
                case "--ttl" -> ttl = Durations.parse(v)
                        .filter(d -> !d.isZero())
                        .orElseThrow(() -> new IllegalArgumentException("--ttl expects a duration like 30m or 1h"));
                case "--role" -> roles.add(v);
                case "--room" -> {
                    int eq = v.lastIndexOf('=');
                    String access = eq < 0 ? "" : v.substring(eq + 1);
                    if (eq <= 0 || !(access.equals("read") || access.equals("write"))) {
                        throw new IllegalArgumentException(
                                "--room expects PATTERN=read or PATTERN=write, got '" + v + "'");
                    }
                    rooms.put(v.substring(0, eq), access);
                }
                default -> throw new IllegalArgumentException("unknown option " + opt);
            }
        }
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException(
                    "--secret (or REALTIME_AUTH_JWT_HS256_SECRET) of at least 32 bytes is required");
        }
        if (sub == null || sub.isBlank()) throw new IllegalArgumentException("--sub is required");
        RoomGrants.fromClaim(rooms); // the same validation as the server's
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(sub)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .claim("rooms", rooms);
        if (!roles.isEmpty()) claims.claim("roles", roles);
        if (iss != null) claims.issuer(iss);
        if (aud != null) claims.audience(aud);
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign: " + e.getMessage());
        }
        return jwt.serialize();
    }
}
