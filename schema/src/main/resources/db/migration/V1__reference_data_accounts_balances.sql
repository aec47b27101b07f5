-- Reference data, accounts and balances. Amounts are integers in each asset's smallest unit
-- (asset.decimals); tick and step sizes are exact numerics. PostgreSQL is the source of truth:
-- every balance is explained by ledger entries (deposits, withdrawals) and, from the order pipeline on,
-- by fills and fees.

CREATE TABLE asset (
    symbol       text        PRIMARY KEY CHECK (symbol ~ '^[A-Z0-9]{1,16}$'),
    display_name text        NOT NULL,
    decimals     smallint    NOT NULL CHECK (decimals BETWEEN 0 AND 18),
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE market (
    symbol        text        PRIMARY KEY CHECK (symbol ~ '^[A-Z0-9]{1,16}_[A-Z0-9]{1,16}$'),
    base_symbol   text        NOT NULL REFERENCES asset (symbol),
    quote_symbol  text        NOT NULL REFERENCES asset (symbol),
    tick_size     numeric     NOT NULL CHECK (tick_size > 0),
    step_size     numeric     NOT NULL CHECK (step_size > 0),
    min_quantity  numeric     NOT NULL CHECK (min_quantity > 0),
    maker_fee_ppm integer     NOT NULL CHECK (maker_fee_ppm BETWEEN 0 AND 1000000),
    taker_fee_ppm integer     NOT NULL CHECK (taker_fee_ppm BETWEEN 0 AND 1000000),
    halted        boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (base_symbol <> quote_symbol)
);

CREATE SEQUENCE account_id_seq START WITH 1000;

CREATE TABLE account (
    id         bigint      PRIMARY KEY,
    label      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Account 0 collects trading fees; it is part of every conservation sum.
INSERT INTO account (id, label) VALUES (0, 'fees');

CREATE TABLE api_key (
    public_key text        PRIMARY KEY,  -- base64 of the 32-byte ED25519 public key: the X-API-Key header
    account_id bigint      NOT NULL REFERENCES account (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX api_key_account_idx ON api_key (account_id);

CREATE TABLE balance (
    account_id bigint NOT NULL REFERENCES account (id),
    asset      text   NOT NULL REFERENCES asset (symbol),
    available  bigint NOT NULL CHECK (available >= 0),
    locked     bigint NOT NULL CHECK (locked >= 0),
    PRIMARY KEY (account_id, asset)
);

CREATE TABLE ledger_entry (
    id          bigserial   PRIMARY KEY,
    account_id  bigint      NOT NULL REFERENCES account (id),
    asset       text        NOT NULL REFERENCES asset (symbol),
    kind        text        NOT NULL CHECK (kind IN ('Deposit', 'Withdrawal')),
    amount      bigint      NOT NULL CHECK (amount > 0),
    external_id text        NOT NULL,  -- the caller's idempotency id
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, kind, external_id)
);
CREATE INDEX ledger_entry_account_idx ON ledger_entry (account_id, kind, created_at DESC);
