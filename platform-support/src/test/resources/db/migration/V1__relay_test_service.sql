-- A service's own first migration, for the relay tests: their database starts as one a service has run on before
-- outbox parking existed (platform 0.1 and this V1 applied), so starting them applies platform 0.2 out of order.
CREATE TABLE relay_test_note (
    id   SERIAL PRIMARY KEY,
    note TEXT NOT NULL
);
