package dev.kubepath.report;

import dev.kubepath.Prerequisites;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Real headless Chromium driven over the Chrome DevTools Protocol with the JDK's WebSocket: start it on a fresh
 * profile, open one page, evaluate JavaScript, click with real mouse events, take a screenshot. Closing kills the
 * browser and its children and deletes the profile, whatever happened before.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path BINARY = Prerequisites.onPath("chromium");
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path profile;
    private final Process process;
    private final List<ProcessHandle> children = new ArrayList<>();
    private WebSocket socket;
    private String session;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    HeadlessChromium(int width, int height) throws IOException {
        profile = Files.createTempDirectory("kubepath-chromium-");
        Process p = null;
        try {
            p = new ProcessBuilder(BINARY.toString(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--hide-scrollbars", "--window-size=" + width + "," + height,
                    "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            process = p;
            String url = devToolsUrl(p);
            socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), new Listener()).get(10, TimeUnit.SECONDS);
            String target = send("Target.createTarget", Map.of("url", "about:blank"), null).path("targetId").asText();
            session = send("Target.attachToTarget", Map.of("targetId", target, "flatten", true), null).path("sessionId").asText();
            send("Page.enable", Map.of());
            send("Runtime.enable", Map.of());
        } catch (Exception e) {
            if (p != null) p.destroyForcibly();
            deleteProfile();
            throw new IOException("could not start " + BINARY + ": " + e.getMessage(), e);
        }
    }

    /** Reads the browser's stderr until it names its DevTools endpoint; the rest is drained so it never blocks. */
    private static String devToolsUrl(Process p) throws Exception {
        CompletableFuture<String> found = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) found.complete(m.group(1));
                }
            } catch (IOException ignored) {
                // the browser went away: the future fails below
            }
            found.completeExceptionally(new IOException("chromium exited without a DevTools endpoint"));
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        return found.get(20, TimeUnit.SECONDS);
    }

    JsonNode send(String method, Map<String, ?> params) throws Exception {
        return send(method, params, session);
    }

    private JsonNode send(String method, Map<String, ?> params, String sessionId) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", MAPPER.valueToTree(params));
        if (sessionId != null) msg.put("sessionId", sessionId);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(MAPPER.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
        JsonNode reply = answer.get(30, TimeUnit.SECONDS);
        if (reply.has("error")) throw new IllegalStateException(method + ": " + reply.get("error"));
        return reply.path("result");
    }

    /** Loads a page and waits until its script says it has rendered; returns the page's own load-to-rendered ms. */
    double open(Path file, long timeoutMillis) throws Exception {
        send("Page.navigate", Map.of("url", file.toAbsolutePath().toUri().toString()));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            JsonNode v = evaluate("document.readyState === 'complete' && document.body && document.body.getAttribute('data-rendered') === '1' ? window.kubepathRenderedAt : null");
            if (v != null && v.isNumber()) return v.asDouble();
            Thread.sleep(20);
        }
        throw new AssertionError("the page did not finish rendering within " + timeoutMillis + " ms; errors: " + evaluate("String(window.__errors || '')"));
    }

    /** Evaluates an expression in the page; its value as JSON (null when undefined). Page exceptions fail. */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode r = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) throw new IllegalStateException("page threw: " + r.get("exceptionDetails"));
        JsonNode v = r.path("result").path("value");
        return v.isMissingNode() ? null : v;
    }

    /** Clicks the middle of the first element matching a CSS selector with real mouse events. */
    void click(String selector) throws Exception {
        JsonNode box = evaluate("(() => { const e = document.querySelector(" + MAPPER.writeValueAsString(selector) + ");"
                + " if (!e) return null; e.scrollIntoView({block: 'center', inline: 'center'}); const r = e.getBoundingClientRect();"
                + " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()");
        if (box == null || box.isNull()) throw new AssertionError("no element matches " + selector);
        clickAt(box.get("x").asDouble(), box.get("y").asDouble());
    }

    void clickAt(double x, double y) throws Exception {
        send("Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x, "y", y));
        send("Input.dispatchMouseEvent", Map.of("type", "mousePressed", "x", x, "y", y, "button", "left", "clickCount", 1));
        send("Input.dispatchMouseEvent", Map.of("type", "mouseReleased", "x", x, "y", y, "button", "left", "clickCount", 1));
    }

    /** A PNG of the whole page, beyond the viewport. */
    void screenshot(Path png) throws Exception {
        JsonNode size = send("Page.getLayoutMetrics", Map.of()).path("cssContentSize");
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", size.path("width").asDouble(), "height", Math.min(size.path("height").asDouble(), 6000), "scale", 1);
        String data = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true, "clip", clip)).path("data").asText();
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, Base64.getDecoder().decode(data));
    }

    @Override
    public void close() {
        try {
            if (socket != null) {
                children.addAll(process.descendants().toList());
                send("Browser.close", Map.of(), null);
            }
        } catch (Exception ignored) {
            // the browser may already be gone; it is killed below either way
        }
        try {
            if (socket != null) socket.abort();
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            deleteProfile();
        }
    }

    private void deleteProfile() {
        // the profile is written until the browser is gone; a second pass catches late files
        for (int attempt = 0; attempt < 3 && Files.exists(profile); attempt++) {
            try (Stream<Path> walk = Files.walk(profile)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException ignored) {
                // retried
            }
        }
    }

    Path profile() {
        return profile;
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode msg = MAPPER.readTree(text.toString());
                    if (msg.has("id")) {
                        CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asInt());
                        if (f != null) f.complete(msg);
                    }
                } catch (IOException e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                }
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }
}
