package exchange.system;

import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A WebSocket listener that joins partial text messages and queues each whole frame ({@link #queue}) and also
 * keeps all of them ({@link #seen}) for failure messages. Frames are requested one at a time, as received.
 */
final class TextFrames implements WebSocket.Listener {

    final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
    final List<String> seen = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String frame = partial.toString();
            queue.add(frame);
            seen.add(frame);
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }
}
