-- A new engine leader reloads the client orders of the idempotency window (clientId retries).
CREATE INDEX orders_client_recent_idx ON orders (created_at) WHERE client_id IS NOT NULL;
