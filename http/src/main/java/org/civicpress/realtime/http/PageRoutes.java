package org.civicpress.realtime.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.civicpress.realtime.errors.CloseCodes;
import org.civicpress.realtime.errors.RealtimeError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser pages the server serves itself, built from the {@code web/} npm workspace by esbuild at package
 * time into the classpath folder {@code web/} (see web/build.mjs):
 * <ul>
 *   <li>{@code GET /<page>}, {@code /<page>/} and {@code /<page>/<anything>} (e.g. {@code /demo/my-room}):
 *   {@code web/<page>.html}, with the WebSocket path of this server written into it; {@code no-cache}, since
 *   it names the current asset files;</li>
 *   <li>{@code GET /assets/<file>}: {@code web/assets/<file>}, whose names carry a content hash, so browsers
 *   may keep them for a year ({@code immutable}).</li>
 * </ul>
 * Everything a page needs is bundled: nothing is loaded from another origin (the Content-Security-Policy
 * says so), and the pages work offline against a local server. A page is one entry of {@link #PAGES} plus
 * its folder under web/src. A jar built without the pages answers 404 on them and logs why once.
 */
final class PageRoutes extends AllDirectives {
    private static final Logger log = LoggerFactory.getLogger(PageRoutes.class);
    /** Page names: the URL's first segment, {@code web/<name>.html} on the classpath. */
    static final List<String> PAGES = List.of("demo", "admin");

    private static final String ROOT = "web/";
    /** Written into the pages as {@code <meta name="realtime-path">}: where their WebSockets go. */
    private static final String REALTIME_PATH_PLACEHOLDER = "%REALTIME_PATH%";
    /** Written as {@code <meta name="hocuspocus-path">}: the Hocuspocus endpoint, empty when it is off. */
    private static final String HOCUSPOCUS_PATH_PLACEHOLDER = "%HOCUSPOCUS_PATH%";
    /** Asset names esbuild writes: {@code <name>-<HASH>.<ext>}; anything else (a slash, "..") is not looked up. */
    private static final Pattern ASSET_NAME = Pattern.compile("[A-Za-z0-9_-]{1,100}(\\.[A-Za-z0-9]{1,10}){1,2}");

    private static final Map<String, ContentType> TYPES = Map.of(
            "js", ContentTypes.create(MediaTypes.APPLICATION_JAVASCRIPT, HttpCharsets.UTF_8),
            "css", ContentTypes.create(MediaTypes.TEXT_CSS, HttpCharsets.UTF_8),
            "map", ContentTypes.APPLICATION_JSON,
            "svg", ContentTypes.create(MediaTypes.IMAGE_SVG_XML),
            "png", ContentTypes.create(MediaTypes.IMAGE_PNG),
            "woff2", ContentTypes.create(MediaTypes.applicationBinary("font/woff2", false)));
    private static final List<HttpHeader> PAGE_HEADERS = List.of(
            CacheControl.create(CacheDirectives.NO_CACHE),
            RawHeader.create("X-Content-Type-Options", "nosniff"),
            // Inline style attributes: ProseMirror decorations (remote selections) are coloured with them.
            RawHeader.create(
                    "Content-Security-Policy",
                    "default-src 'self'; connect-src 'self'; "
                            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'"));
    private static final List<HttpHeader> ASSET_HEADERS = List.of(
            CacheControl.create(
                    CacheDirectives.PUBLIC, CacheDirectives.MAX_AGE(365L * 24 * 3600), CacheDirectives.IMMUTABLE),
            RawHeader.create("X-Content-Type-Options", "nosniff"));

    private final Map<String, byte[]> pages = new LinkedHashMap<>();
    /** Only assets that exist are cached: the set is bounded by what the jar holds, whatever clients ask for. */
    private final Map<String, byte[]> assets = new ConcurrentHashMap<>();

    /**
     * @param realtimePath the WebSocket path ({@code path} setting), with or without slashes
     * @param hocuspocusPath the Hocuspocus endpoint ({@code hocuspocus.path}), or null when it is disabled
     */
    PageRoutes(String realtimePath, String hocuspocusPath) {
        String wsPath = "/" + realtimePath.strip().replaceAll("^/+|/+$", "");
        String hpPath =
                hocuspocusPath == null ? "" : "/" + hocuspocusPath.strip().replaceAll("^/+|/+$", "");
        List<String> missing = new ArrayList<>();
        for (String page : PAGES) {
            Optional<byte[]> html = resource(ROOT + page + ".html");
            if (html.isEmpty()) {
                missing.add("/" + page);
                continue;
            }
            pages.put(
                    page,
                    new String(html.get(), StandardCharsets.UTF_8)
                            .replace(REALTIME_PATH_PLACEHOLDER, htmlAttribute(wsPath))
                            .replace(HOCUSPOCUS_PATH_PLACEHOLDER, htmlAttribute(hpPath))
                            .getBytes(StandardCharsets.UTF_8));
        }
        if (!missing.isEmpty()) {
            log.warn(
                    "pages {} are not in this build (the web/ npm workspace is built by mvn package): they answer 404",
                    missing);
        }
    }

    Route route() {
        Route[] pageRoutes = PAGES.stream()
                .map(page -> pathPrefix(
                        segment(page),
                        () -> concat(
                                pathEndOrSingleSlash(() -> page(page)), path(segment(), pathArgument -> page(page)))))
                .toArray(Route[]::new); // e.g. /demo/{room}
        return get(() -> concat(pathPrefix(segment("assets"), () -> path(segment(), this::asset)), pageRoutes));
    }

    private Route page(String page) {
        byte[] html = pages.get(page);
        if (html == null) {
            return notFound("/" + page);
        }
        return complete(HttpResponse.create()
                .withHeaders(PAGE_HEADERS)
                .withEntity(ContentTypes.create(MediaTypes.TEXT_HTML, HttpCharsets.UTF_8), html));
    }

    private Route asset(String name) {
        ContentType type = ASSET_NAME.matcher(name).matches()
                ? TYPES.get(name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT))
                : null;
        byte[] bytes = type == null
                ? null
                : assets.computeIfAbsent(
                        name, n -> resource(ROOT + "assets/" + n).orElse(null)); // null: nothing cached
        if (bytes == null) {
            return notFound("/assets/" + name);
        }
        return complete(HttpResponse.create().withHeaders(ASSET_HEADERS).withEntity(type, bytes));
    }

    private Route notFound(String path) {
        PageNotFoundError error = new PageNotFoundError(path);
        return complete(HttpResponse.create()
                .withStatus(StatusCodes.NOT_FOUND)
                .withEntity(ContentTypes.APPLICATION_JSON, error.toJson()));
    }

    private static Optional<byte[]> resource(String name) {
        try (InputStream in = PageRoutes.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " from the classpath", e);
        }
    }

    private static String htmlAttribute(String value) {
        return value.replace("&", "&amp;")
                .replace("\"", "&quot;")
                .replace("<", "&lt;")
                .replace(">", "&gt;");
    }

    /** A page or asset this build does not have: HTTP 404 with the usual error body. */
    static final class PageNotFoundError extends RealtimeError {
        PageNotFoundError(String path) {
            super(
                    "NOT_FOUND",
                    404,
                    CloseCodes.ROOM_NOT_FOUND,
                    "no such page or asset",
                    Map.of("path", path),
                    null,
                    null);
        }
    }
}
