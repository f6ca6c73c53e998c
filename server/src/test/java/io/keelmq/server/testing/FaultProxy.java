package io.keelmq.server.testing;

import java.io.Closeable;
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
 * An in-process TCP relay on 127.0.0.1 between two nodes (a slave and its master's HA port, say) that a test
 * switches to simulate a partition without network namespaces: {@link #drop()} swallows every byte both ways while
 * the connections stay open (a black hole: neither side learns anything until its own timeout),
 * {@link #reset()} resets every relayed connection (RST, as a crashed peer would), {@link #delay} holds each chunk
 * back, {@link #pass()} relays normally again. New connections are accepted in every mode.
 */
public final class FaultProxy implements Closeable {
    private enum Mode { PASS, DROP }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.PASS;
    private volatile long delayMillis;

    public FaultProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** host:port to connect to instead of the target. */
    public String address() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    public void pass() {
        delayMillis = 0;
        mode = Mode.PASS;
    }

    public void drop() {
        mode = Mode.DROP;
    }

    /** Relays, each chunk after {@code millis}. */
    public void delay(long millis) {
        delayMillis = millis;
        mode = Mode.PASS;
    }

    /** Resets every relayed connection at once: both peers see the socket die, nobody says goodbye. */
    public void reset() {
        for (Socket socket : sockets) {
            try {
                socket.setSoLinger(true, 0);
            } catch (IOException e) {
                // already closed
            }
            closeQuietly(socket);
        }
        sockets.clear();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server;
                try {
                    server = new Socket(target.getAddress(), target.getPort());
                } catch (IOException e) {
                    closeQuietly(client);       // the target is down: the client sees its connection close
                    continue;
                }
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                relay(client, server);
                relay(server, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void relay(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    long delay = delayMillis;
                    if (delay > 0) {
                        Thread.sleep(delay);
                    }
                    if (mode == Mode.DROP) {
                        continue;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // one side is gone; the other is closed below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "fault-proxy-relay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        closeQuietly(listener);
        reset();
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
