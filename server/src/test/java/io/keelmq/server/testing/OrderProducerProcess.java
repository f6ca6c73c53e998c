package io.keelmq.server.testing;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelSession;
import io.keelmq.jms.KeelTransactionalProducer;
import io.keelmq.jms.LocalTransactionState;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A transactional producer in its own JVM, which the crash tests kill with SIGKILL. It sends {@code count} orders
 * whose local transaction inserts and commits the order's row, then one more order, whose local transaction stops
 * where {@code mode} says and prints {@value #STOPPED} with the order id: {@code after-local-commit} (the row is
 * committed, the decision never sent) or {@code before-local-commit} (the row is inserted, not committed). The
 * test kills it there.
 *
 * <p>Arguments: broker URL, JDBC URL, queue, producer group, count, mode.
 */
public final class OrderProducerProcess {
    public static final String STOPPED = "STOPPED ";

    private final Process process;
    private final CompletableFuture<String> stopped = new CompletableFuture<>();

    private OrderProducerProcess(Process process) {
        this.process = process;
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String queue = args[2];
        String group = args[3];
        int count = Integer.parseInt(args[4]);
        String mode = args[5];
        try (OrderDatabase database = new OrderDatabase(args[1]);
             Connection connection = new KeelConnectionFactory(url).createConnection()) {
            KeelSession session = (KeelSession) connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            KeelTransactionalProducer producer = session.createTransactionalProducer(session.createQueue(queue),
                    group, database.checker());
            for (int i = 0; i <= count; i++) {
                String orderId = "order-" + i;
                boolean last = i == count;
                TextMessage message = session.createTextMessage("order " + orderId);
                message.setStringProperty("orderId", orderId);
                producer.send(message, sent -> {
                    database.insert(orderId);
                    if (last && mode.equals("before-local-commit")) {
                        stop(orderId);
                    }
                    database.commit();
                    if (last) {
                        stop(orderId);
                    }
                    return LocalTransactionState.COMMIT;
                });
            }
        }
    }

    private static void stop(String orderId) throws InterruptedException {
        System.out.println(STOPPED + orderId);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // the test kills this process here
    }

    /** Starts one; its standard error goes to {@code dir/<name>.log}. */
    public static OrderProducerProcess start(Path dir, String name, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), OrderProducerProcess.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(dir.resolve(name + ".log").toFile()).start();
        OrderProducerProcess producer = new OrderProducerProcess(process);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(STOPPED)) {
                        producer.stopped.complete(line.substring(STOPPED.length()));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            producer.stopped.completeExceptionally(new IllegalStateException("the producer ended without stopping"));
        }, "order-producer-output");
        reader.setDaemon(true);
        reader.start();
        return producer;
    }

    /** Waits (at most 60 s) until it stopped where its mode says; returns that order's id. */
    public String awaitStopped() throws Exception {
        return stopped.get(60, TimeUnit.SECONDS);
    }

    /** SIGKILL, and waits for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }
}
