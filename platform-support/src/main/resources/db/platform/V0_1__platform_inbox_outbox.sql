-- Shared by every service, in the service's own schema. Platform migrations use versions 0.x;
-- a service's own migrations start at V1 (see docs/adr/002-one-schema-per-service.md).

-- Inbox: one row per event already applied. Written in the same transaction as the event's effect,
-- so a redelivered event is recognised and skipped.
CREATE TABLE processed_event (
    event_id     TEXT PRIMARY KEY,
    event_type   TEXT        NOT NULL,
    producer     TEXT        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Outbox: events to publish, written in the same transaction as the state change that caused them and
-- relayed to Kafka afterwards, so no event is lost when the service dies between commit and send.
CREATE TABLE outbox_event (
    id          BIGSERIAL PRIMARY KEY,
    topic       TEXT        NOT NULL,
    message_key TEXT        NOT NULL,
    event_id    TEXT        NOT NULL UNIQUE,
    event_type  TEXT        NOT NULL,
    payload     BYTEA       NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
