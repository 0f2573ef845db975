package dev.ladd.platform.test;

import dev.ladd.events.EventEnvelopes;
import dev.ladd.events.v1.EventEnvelope;

import java.time.Clock;

/** Builds envelopes as another service would send them. */
public final class TestEvents {

    private TestEvents() {
    }

    public static EventEnvelope from(String producer, String correlationId, EventEnvelope.Builder payload) {
        return EventEnvelopes.wrap(producer, correlationId, payload, Clock.systemUTC());
    }
}
