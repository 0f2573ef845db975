-- Outbox parking (docs/adr/015-outbox-parking.md). Additive: existing rows start with no attempt made.
-- A platform migration after the services' own V1…: applied out of order (spring.flyway.out-of-order, set in
-- ladd-platform-defaults.yml; docs/adr/002), which is safe because it touches only the platform's tables.

-- Each row remembers its send attempts: a failed send is retried after a back-off (next_attempt_at); after
-- ladd.outbox.max-attempts failures it is parked (parked_at, with the broker's reason in last_error) until an
-- operator retries or discards it (/api/v1/outbox/parked). Later events of other keys are sent meanwhile; later
-- events of the same topic and key wait behind it, so per-key order holds.
ALTER TABLE outbox_event
    ADD COLUMN attempts        INT         NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD COLUMN last_error      TEXT,
    ADD COLUMN parked_at       TIMESTAMPTZ;

-- The relay sends only the oldest row of each (topic, key): this finds whether an older one exists.
CREATE INDEX outbox_event_topic_key ON outbox_event (topic, message_key, id);

-- One relay per service at a time: the replica holding this lease sends, renewing it before every send and giving
-- it up at the end of its pass. A lease
-- (a row with an expiry) rather than an advisory lock, because the relay sends outside any transaction and holds
-- no connection while the broker answers; a replica that dies stops renewing and another takes over.
CREATE TABLE outbox_relay_lease (
    relay       TEXT PRIMARY KEY,
    holder      TEXT        NOT NULL,
    lease_until TIMESTAMPTZ NOT NULL
);
