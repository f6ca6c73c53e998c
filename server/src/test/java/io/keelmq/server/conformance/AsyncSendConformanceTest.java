package io.keelmq.server.conformance;

import jakarta.jms.CompletionListener;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.IllegalStateException;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 7.3 asynchronous send: CompletionListener order, threading, headers, failures, close and callbacks. */
class AsyncSendConformanceTest extends ConformanceTestBase {

    /** Records callbacks; {@code onCompletion} runs {@code action} first. */
    private static final class Recorder implements CompletionListener {
        final List<Message> completed = new CopyOnWriteArrayList<>();
        final List<Exception> failures = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        final AtomicInteger concurrent = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();
        final CountDownLatch done;
        final Consumer<Message> action;

        Recorder(int expected, Consumer<Message> action) {
            this.done = new CountDownLatch(expected);
            this.action = action;
        }

        private void enter() {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            threads.add(Thread.currentThread());
        }

        @Override
        public void onCompletion(Message message) {
            enter();
            try {
                action.accept(message);
                completed.add(message);
            } finally {
                concurrent.decrementAndGet();
                done.countDown();
            }
        }

        @Override
        public void onException(Message message, Exception exception) {
            enter();
            failures.add(exception);
            concurrent.decrementAndGet();
            done.countDown();
        }
    }

    @Test
    void s7_3_8_callbacksComeInSendOrderOneAtATimeAndNotOnTheSendingThread() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("async-order"));
        MessageProducer producer = session.createProducer(queue);
        int count = 50;
        Recorder recorder = new Recorder(count, m -> { });
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TextMessage message = session.createTextMessage("m" + i);
            sent.add(message);
            // Persistent and non-persistent mixed: order holds across both (7.3.3, 6.2.9)
            producer.send(message, i % 2 == 0 ? DeliveryMode.PERSISTENT : DeliveryMode.NON_PERSISTENT, 4, 0, recorder);
        }
        assertTrue(recorder.done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(), recorder.failures);
        assertEquals(count, recorder.completed.size());
        for (int i = 0; i < count; i++) {
            assertSame(sent.get(i), recorder.completed.get(i), "callback " + i + " out of order");
        }
        assertEquals(1, recorder.maxConcurrent.get(), "one callback at a time per session");
        assertFalse(recorder.threads.contains(Thread.currentThread()), "never on the sending thread");
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        for (int i = 0; i < count; i++) {
            assertEquals("m" + i, ((TextMessage) consumer.receive(5_000)).getText());
        }
    }

    @Test
    void s7_3_3_syncAndAsyncSendsOfOneProducerKeepTheirOrder() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("async-mixed"));
        MessageProducer producer = session.createProducer(queue);
        Recorder recorder = new Recorder(10, m -> { });
        for (int i = 0; i < 20; i++) {
            if (i % 2 == 0) {
                producer.send(session.createTextMessage("m" + i), recorder);
            } else {
                producer.send(session.createTextMessage("m" + i));
            }
        }
        assertTrue(recorder.done.await(10, TimeUnit.SECONDS));
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        for (int i = 0; i < 20; i++) {
            assertEquals("m" + i, ((TextMessage) consumer.receive(5_000)).getText());
        }
    }

    @Test
    void s7_3_6_headersAreSetWhenTheCallbackRuns() throws Exception {
        Session session = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("async-headers"));
        CompletableFuture<String> seen = new CompletableFuture<>();
        Message message = session.createMessage();
        session.createProducer(queue).send(message, DeliveryMode.PERSISTENT, 8, 30_000, new CompletionListener() {
            @Override
            public void onCompletion(Message m) {
                try {
                    seen.complete(m.getJMSMessageID() + " " + m.getJMSPriority() + " " + m.getJMSDestination()
                            + " " + (m.getJMSExpiration() == m.getJMSTimestamp() + 30_000));
                } catch (JMSException e) {
                    seen.completeExceptionally(e);
                }
            }

            @Override
            public void onException(Message m, Exception exception) {
                seen.completeExceptionally(exception);
            }
        });
        String headers = seen.get(5, TimeUnit.SECONDS);
        assertTrue(headers.startsWith("ID:") && headers.endsWith(" 8 " + queue + " true"), headers);
    }

    @Test
    void s7_3_2_aFailureThatCannotBeThrownGoesToOnException() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue gone = session.createTemporaryQueue();
        gone.delete();
        Session other = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = other.createProducer(gone);
        Recorder recorder = new Recorder(1, m -> { });
        try {
            producer.send(other.createTextMessage("nowhere"), recorder);
        } catch (JMSException thrownInstead) {
            // 7.3.2 allows throwing it in the sending thread; then no callback may come
            Thread.sleep(300);
            assertEquals(1, recorder.done.getCount(), "no callback after a thrown exception");
            return;
        }
        assertTrue(recorder.done.await(10, TimeUnit.SECONDS));
        assertEquals(1, recorder.failures.size());
        assertEquals(List.of(), recorder.completed);
    }

    @Test
    void s7_3_4_closeWaitsForIncompleteSendsAndTheirCallbacks() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("async-close"));
        MessageProducer producer = session.createProducer(queue);
        int count = 30;
        Recorder recorder = new Recorder(count, m -> sleep(10));
        for (int i = 0; i < count; i++) {
            producer.send(session.createTextMessage("m" + i), recorder);
        }
        session.close();
        assertEquals(0, recorder.done.getCount(), "session close returned before every callback had");
        assertEquals(count, recorder.completed.size());

        Session second = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer another = second.createProducer(queue);
        Recorder viaConnection = new Recorder(count, m -> sleep(10));
        for (int i = 0; i < count; i++) {
            another.send(second.createTextMessage("n" + i), viaConnection);
        }
        connection.close();
        assertEquals(0, viaConnection.done.getCount(), "connection close returned before every callback had");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void s7_3_4_producerCloseWaitsForItsCallbacks() throws Exception {
        Session session = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(session.createQueue(unique("async-producer-close")));
        Recorder recorder = new Recorder(20, m -> sleep(10));
        for (int i = 0; i < 20; i++) {
            producer.send(session.createTextMessage("m" + i), recorder);
        }
        producer.close();
        assertEquals(0, recorder.done.getCount(), "producer close returned before every callback had");
    }

    @Test
    void s7_3_4_closingOwnProducerSessionOrConnectionFromACallbackThrowsIllegalStateException() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(session.createQueue(unique("async-self-close")));
        CompletableFuture<List<Throwable>> outcome = new CompletableFuture<>();
        producer.send(session.createMessage(), new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                List<Throwable> thrown = new ArrayList<>();
                for (ThrowingRunnable call : List.<ThrowingRunnable>of(producer::close, session::close,
                        connection::close)) {
                    try {
                        call.run();
                    } catch (Throwable e) {
                        thrown.add(e);
                    }
                }
                outcome.complete(thrown);
            }

            @Override
            public void onException(Message message, Exception exception) {
                outcome.completeExceptionally(exception);
            }
        });
        List<Throwable> thrown = outcome.get(5, TimeUnit.SECONDS);
        assertEquals(3, thrown.size(), "producer, session and connection close all refused: " + thrown);
        for (Throwable e : thrown) {
            assertInstanceOf(IllegalStateException.class, e);
        }
        // Nothing was closed by the refused calls
        producer.send(session.createMessage());
    }

    @Test
    void s7_3_4_closingOwnContextFromACallbackThrowsIllegalStateRuntimeException() throws Exception {
        JMSContext context = context();
        Queue queue = context.createQueue(unique("async-context-close"));
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        context.createProducer().setAsync(new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                try {
                    context.close();
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            }

            @Override
            public void onException(Message message, Exception exception) {
                outcome.completeExceptionally(exception);
            }
        }).send(queue, "x");
        assertInstanceOf(IllegalStateRuntimeException.class, outcome.get(5, TimeUnit.SECONDS));
        assertNotNull(context.createConsumer(queue).receive(5_000), "the context is still open");
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
