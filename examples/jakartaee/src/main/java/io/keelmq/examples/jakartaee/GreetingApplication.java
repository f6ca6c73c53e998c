package io.keelmq.examples.jakartaee;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The REST endpoints live under {@code /api}. */
@ApplicationPath("api")
public class GreetingApplication extends Application {
}
