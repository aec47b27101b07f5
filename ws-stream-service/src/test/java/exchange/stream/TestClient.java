package exchange.stream;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (the JDK's) that keeps every text frame it receives, in order. */
public final class TestClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket socket;
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

    private TestClient(int port) throws Exception {
        socket = HTTP.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            frames.add(partial.toString());
                            partial.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closeCode.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closeCode.completeExceptionally(error);
                    }
                })
                .get(5, TimeUnit.SECONDS);
    }

    public static TestClient connect(int port) throws Exception {
        return new TestClient(port);
    }

    public void send(String frame) throws Exception {
        socket.sendText(frame, true).get(5, TimeUnit.SECONDS);
    }

    /** The next frame, or null after {@code timeoutMillis}. */
    public String poll(long timeoutMillis) throws InterruptedException {
        return frames.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** The next {@code count} frames; fails if they do not all arrive within {@code timeoutMillis}. */
    public List<String> take(int count, long timeoutMillis) throws InterruptedException {
        List<String> taken = new ArrayList<>(count);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (taken.size() < count) {
            String frame = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (frame == null) {
                throw new AssertionError("Received " + taken.size() + " of " + count + " frames: " + taken);
            }
            taken.add(frame);
        }
        return taken;
    }

    /** The close code the server sent, waiting up to {@code timeoutMillis}. */
    public int closeCode(long timeoutMillis) throws Exception {
        return closeCode.get(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    public boolean isOpen() {
        return !socket.isInputClosed() && !closeCode.isDone();
    }

    @Override
    public void close() {
        socket.abort();
    }
}
