package exchange.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a bare socket with a 4 KB receive buffer that, after the handshake, sends what it is told
 * and reads only when told ({@link #readTexts}): the honest slow consumer (its TCP receive window fills and stays
 * full), a client that falls behind for a while, and a client that never answers pings.
 */
public final class RawClient implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;

    public RawClient(int port) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(5000);
        out = socket.getOutputStream();
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("Handshake cut off: " + head);
            }
            head.write(b);
        }
        if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
            throw new IOException("Handshake refused: " + head);
        }
    }

    /** Sends one masked text frame (client frames must be masked). */
    public void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) {
            throw new IllegalArgumentException("Keep test frames short");
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        out.write(frame);
        out.flush();
    }

    /**
     * Reads the next {@code count} frames, which must be whole unfragmented text frames (what the server sends),
     * and returns their payloads; a read that waits longer than 5 s throws {@link SocketTimeoutException}.
     */
    public List<String> readTexts(int count) throws IOException {
        InputStream in = socket.getInputStream();
        List<String> texts = new ArrayList<>(count);
        while (texts.size() < count) {
            byte[] header = in.readNBytes(2);
            if (header.length < 2) {
                throw new IOException("Closed after " + texts.size() + " frames");
            }
            if ((header[0] & 0xFF) != 0x81 || (header[1] & 0x80) != 0) {
                throw new IOException("Not a final unmasked text frame: " + (header[0] & 0xFF));
            }
            long length = header[1] & 0x7F;
            if (length == 126) {
                byte[] extended = in.readNBytes(2);
                length = ((extended[0] & 0xFF) << 8) | (extended[1] & 0xFF);
            } else if (length == 127) {
                length = 0;
                for (byte b : in.readNBytes(8)) {
                    length = (length << 8) | (b & 0xFF);
                }
            }
            byte[] payload = in.readNBytes((int) length);
            if (payload.length < length) {
                throw new IOException("Frame cut off");
            }
            texts.add(new String(payload, StandardCharsets.UTF_8));
        }
        return texts;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
