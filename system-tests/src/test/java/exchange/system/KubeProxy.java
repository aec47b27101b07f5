package exchange.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What kube-proxy does for a ClusterIP Service port, done in user space: accepts on the Service's virtual
 * address and port and relays every connection, both ways, to one endpoint (the pod's address and targetPort).
 */
final class KubeProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress endpoint;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    KubeProxy(InetAddress serviceAddress, int servicePort, InetSocketAddress endpoint) throws IOException {
        this.endpoint = endpoint;
        listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(serviceAddress, servicePort), 512);
        Thread.ofVirtual().name("kube-proxy " + serviceAddress.getHostAddress() + ":" + servicePort)
                .start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                Thread.ofVirtual().start(() -> relay(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void relay(Socket client) {
        // A refused endpoint closes the client's connection, as a Service without a ready pod does.
        try (client; Socket upstream = new Socket()) {
            sockets.add(upstream);
            upstream.connect(endpoint, 2_000);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            Thread back = Thread.ofVirtual().start(() -> pump(upstream, client));
            pump(client, upstream);
            back.join();
        } catch (IOException | InterruptedException ignored) {
            // The connection ends; the peer sees the close.
        } finally {
            sockets.remove(client);
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
