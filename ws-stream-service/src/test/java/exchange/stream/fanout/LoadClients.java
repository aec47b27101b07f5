package exchange.stream.fanout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * Many WebSocket clients on a few selector threads, for the benchmark: a bare-bones RFC 6455 client (handshake,
 * masked text frames out, unmasked frames in) so that the load generator costs far less CPU per message than the
 * server it measures. Each received text frame's {@code "T":<micros>} is compared with the time of the socket read
 * that brought it.
 */
final class LoadClients implements AutoCloseable {

    private static final byte[] ENGINE_TIME = "\"T\":".getBytes(StandardCharsets.US_ASCII);

    private final List<Selector> selectors = new ArrayList<>();
    private final List<Reader> readers = new ArrayList<>();
    private final List<SocketChannel> channels = new ArrayList<>();
    private volatile boolean running = true;

    LoadClients(int threadCount) throws IOException {
        for (int i = 0; i < threadCount; i++) {
            Selector selector = Selector.open();
            selectors.add(selector);
            Reader reader = new Reader(selector);
            readers.add(reader);
            Thread.ofPlatform().name("load-clients-" + i).daemon().start(reader::run);
        }
    }

    /** Text frames received so far, by all clients. */
    long received() {
        long received = 0;
        for (Reader reader : readers) {
            received += reader.received;
        }
        return received;
    }

    /**
     * Socket reads that brought at least one whole text frame, by all clients: about the number of the server's
     * socket writes, the figure the server's and the clients' CPU follow.
     */
    long reads() {
        long reads = 0;
        for (Reader reader : readers) {
            reads += reader.reads;
        }
        return reads;
    }

    /** {@link System#nanoTime()} when the last text frame arrived (0 before the first). */
    long lastReceivedNanos() {
        long last = 0;
        for (Reader reader : readers) {
            last = Math.max(last, reader.lastReceivedNanos);
        }
        return last;
    }

    /** Forgets the latencies recorded so far (after the warm-up). */
    void resetLatency() {
        for (Reader reader : readers) {
            reader.latency.reset();
        }
    }

    /** Latency from each frame's {@code T} to its receipt, in microseconds, since the last reset. */
    Histogram latency() {
        Histogram total = new Histogram(3_600_000_000L, 3);
        for (Reader reader : readers) {
            total.add(reader.latency.getIntervalHistogram());
        }
        return total;
    }

    /** Connects one client, sends {@code subscribeFrame}, and hands it to a selector thread. */
    void connect(int port, String subscribeFrame) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        write(channel, ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        ByteBuffer head = ByteBuffer.allocate(1024);
        while (!new String(head.array(), 0, head.position(), StandardCharsets.US_ASCII).contains("\r\n\r\n")) {
            if (channel.read(head) < 0) {
                throw new IOException("Handshake cut off");
            }
        }
        if (!new String(head.array(), 0, 12, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
            throw new IOException("Handshake refused");
        }
        write(channel, maskedText(subscribeFrame));
        channel.configureBlocking(false);
        Selector selector = selectors.get(channels.size() % selectors.size());
        Connection connection = new Connection(readers.get(channels.size() % readers.size()));
        head.flip();
        head.position(new String(head.array(), 0, head.limit(), StandardCharsets.US_ASCII).indexOf("\r\n\r\n") + 4);
        connection.buffer.put(head);
        channel.register(selector, SelectionKey.OP_READ, connection);
        selector.wakeup();
        channels.add(channel);
    }

    /**
     * One selector thread and what it counts. Single writer: counters are plain volatile longs written by this
     * thread only, the latency recorder is a single-writer one, and the clock is read once per socket read (the
     * frames of one read arrived together), so measuring costs far less than the traffic measured.
     */
    private final class Reader {
        final Selector selector;
        final SingleWriterRecorder latency = new SingleWriterRecorder(3_600_000_000L, 3);
        volatile long received;
        volatile long reads;
        volatile long lastReceivedNanos;

        Reader(Selector selector) {
            this.selector = selector;
        }

        void run() {
            while (running) {
                try {
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        Connection connection = (Connection) key.attachment();
                        SocketChannel channel = (SocketChannel) key.channel();
                        if (channel.read(connection.buffer) < 0) {
                            key.cancel();
                            continue;
                        }
                        Instant now = Instant.now();
                        int frames = connection.parse(now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000);
                        if (frames > 0) {
                            received += frames;
                            reads++;
                            lastReceivedNanos = System.nanoTime();
                        }
                    }
                    selector.selectedKeys().clear();
                } catch (IOException e) {
                    if (running) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
    }

    /** One client's read buffer and frame parser. */
    private static final class Connection {
        final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        final Reader reader;

        Connection(Reader reader) {
            this.reader = reader;
        }

        /** Parses the whole frames read so far; returns how many text frames there were. */
        int parse(long nowMicros) {
            int frames = 0;
            buffer.flip();
            while (buffer.remaining() >= 2) {
                int start = buffer.position();
                int opcode = buffer.get(start) & 0x0F;
                int length = buffer.get(start + 1) & 0x7F;
                int header = 2;
                if (length == 126) {
                    if (buffer.remaining() < 4) {
                        break;
                    }
                    length = buffer.getShort(start + 2) & 0xFFFF;
                    header = 4;
                } else if (length == 127) {
                    if (buffer.remaining() < 10) {
                        break;
                    }
                    length = (int) buffer.getLong(start + 2);
                    header = 10;
                }
                if (buffer.remaining() < header + length) {
                    break;
                }
                if (opcode == 1) {
                    record(start + header, length, nowMicros);
                    frames++;
                }
                buffer.position(start + header + length);
            }
            buffer.compact();
            return frames;
        }

        private void record(int offset, int length, long nowMicros) {
            byte[] array = buffer.array();
            int end = offset + length;
            // From the end: the engine writes T last in the data object, so this finds it after a few bytes.
            outer:
            for (int i = end - ENGINE_TIME.length; i >= offset; i--) {
                for (int k = 0; k < ENGINE_TIME.length; k++) {
                    if (array[i + k] != ENGINE_TIME[k]) {
                        continue outer;
                    }
                }
                long value = 0;
                for (int j = i + ENGINE_TIME.length; j < end && array[j] >= '0' && array[j] <= '9'; j++) {
                    value = value * 10 + (array[j] - '0');
                }
                reader.latency.recordValue(Math.max(0, nowMicros - value));
                break;
            }
        }
    }

    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    private static void write(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        for (Selector selector : selectors) {
            selector.wakeup();
        }
        for (SocketChannel channel : channels) {
            channel.close();
        }
        for (Selector selector : selectors) {
            selector.close();
        }
    }
}
