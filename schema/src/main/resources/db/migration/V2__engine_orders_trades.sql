-- The matching engine's durable state. The leader writes every row of a batch of commands in one
-- transaction, fenced by its lease epoch; a new leader rebuilds the engine from these tables.

-- Engine leadership: a lease in PostgreSQL's own clock. A leader renews it; a standby takes over only when
-- it has expired, bumping the epoch; every batch transaction re-checks epoch and expiry, so a paused or
-- partitioned old leader can never commit.
CREATE TABLE engine_lease (
    id          smallint    PRIMARY KEY CHECK (id = 1),
    epoch       bigint      NOT NULL,
    holder      text,
    lease_until timestamptz NOT NULL
);
INSERT INTO engine_lease (id, epoch, holder, lease_until) VALUES (1, 0, NULL, '-infinity');

-- Counters and the position in the command stream, committed with the rows they produced.
CREATE TABLE engine_state (
    id              smallint    PRIMARY KEY CHECK (id = 1),
    last_command_id text        NOT NULL,  -- Redis stream id of the last applied command, '0-0' before any
    engine_command  bigint      NOT NULL,  -- the engine's own command counter (commandId of the last command)
    next_order_id   bigint      NOT NULL,
    next_trade_id   bigint      NOT NULL,
    next_sequence   bigint      NOT NULL,  -- engine event sequence
    updated_at      timestamptz NOT NULL
);
INSERT INTO engine_state VALUES (1, '0-0', 0, 1, 1, 1, now());

-- Depth update id per market (the U/u sequence of depth deltas and lastUpdateId of snapshots).
ALTER TABLE market ADD COLUMN depth_update_id bigint NOT NULL DEFAULT 0;

CREATE TABLE orders (
    id                      bigint      PRIMARY KEY,
    account_id              bigint      NOT NULL REFERENCES account (id),
    symbol                  text        NOT NULL REFERENCES market (symbol),
    client_id               bigint      CHECK (client_id BETWEEN 0 AND 4294967295),
    side                    text        NOT NULL CHECK (side IN ('Bid', 'Ask')),
    order_type              text        NOT NULL CHECK (order_type IN ('Limit', 'Market')),
    time_in_force           text        NOT NULL CHECK (time_in_force IN ('GTC', 'IOC', 'FOK')),
    post_only               boolean     NOT NULL,
    self_trade_prevention   text        NOT NULL CHECK (self_trade_prevention IN ('RejectTaker', 'RejectMaker', 'RejectBoth')),
    price                   numeric,             -- null for market orders
    quantity                numeric,             -- base quantity; null for a market order by quote quantity
    quote_quantity          numeric,             -- set for a market order by quote quantity
    executed_quantity       numeric     NOT NULL,
    executed_quote_quantity numeric     NOT NULL,
    status                  text        NOT NULL CHECK (status IN ('New', 'PartiallyFilled', 'Filled', 'Cancelled', 'Expired')),
    locked                  bigint      NOT NULL DEFAULT 0 CHECK (locked >= 0),  -- units still locked while open
    priority                bigint      NOT NULL,  -- arrival order: time priority within a price level
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL
);
-- Rebuild (open orders in priority order) and the depth fallback.
CREATE INDEX orders_open_book_idx ON orders (symbol, side, price, priority) WHERE status IN ('New', 'PartiallyFilled');
-- GET /api/v1/orders (open orders of an account, optionally per market).
CREATE INDEX orders_open_account_idx ON orders (account_id, symbol) WHERE status IN ('New', 'PartiallyFilled');
-- GET /wapi/v1/history/orders.
CREATE INDEX orders_account_history_idx ON orders (account_id, created_at DESC, id DESC);
-- GET /api/v1/order?clientId= and clientId idempotency.
CREATE INDEX orders_client_id_idx ON orders (account_id, client_id, created_at DESC) WHERE client_id IS NOT NULL;

CREATE TABLE trade (
    id               bigint      PRIMARY KEY,
    symbol           text        NOT NULL REFERENCES market (symbol),
    price            numeric     NOT NULL,
    quantity         numeric     NOT NULL,
    quote_quantity   numeric     NOT NULL,
    taker_side       text        NOT NULL CHECK (taker_side IN ('Bid', 'Ask')),
    maker_order_id   bigint      NOT NULL,
    taker_order_id   bigint      NOT NULL,
    maker_account_id bigint      NOT NULL,
    taker_account_id bigint      NOT NULL,
    maker_fee        numeric     NOT NULL,
    maker_fee_asset  text        NOT NULL,
    taker_fee        numeric     NOT NULL,
    taker_fee_asset  text        NOT NULL,
    created_at       timestamptz NOT NULL
);
-- GET /api/v1/trades and /trades/history (newest first), klines and the 24 h ticker (time ranges).
CREATE INDEX trade_symbol_id_idx ON trade (symbol, id DESC);
CREATE INDEX trade_symbol_time_idx ON trade (symbol, created_at);
-- GET /wapi/v1/history/fills.
CREATE INDEX trade_maker_account_idx ON trade (maker_account_id, created_at DESC);
CREATE INDEX trade_taker_account_idx ON trade (taker_account_id, created_at DESC);
