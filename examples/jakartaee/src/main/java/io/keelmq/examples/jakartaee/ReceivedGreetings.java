package io.keelmq.examples.jakartaee;

import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;

import java.util.ArrayList;
import java.util.List;

/** The greetings the listener received, in arrival order (in memory: the example keeps no database). */
@Singleton
public class ReceivedGreetings {
    private final List<String> greetings = new ArrayList<>();

    @Lock(LockType.WRITE)
    public void add(String greeting) {
        greetings.add(greeting);
    }

    @Lock(LockType.READ)
    public List<String> all() {
        return List.copyOf(greetings);
    }
}
