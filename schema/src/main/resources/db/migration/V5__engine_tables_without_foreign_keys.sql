-- The engine is the only writer of orders and trades, and it creates them only for accounts that exist (an
-- order comes from an authenticated key, and needs a balance, which keeps its own foreign key) and for markets
-- it has committed. Checking that again per row cost more than the rest of the batch's writes together: each
-- check locks the parent row (FOR KEY SHARE, a WAL record on a page every order touches), which measured
-- 11-12.6 ms against 5.1-5.6 ms for a 100-command batch statement (docs/ARCHITECTURE.md).
ALTER TABLE orders DROP CONSTRAINT orders_account_id_fkey;
ALTER TABLE orders DROP CONSTRAINT orders_symbol_fkey;
ALTER TABLE trade DROP CONSTRAINT trade_symbol_fkey;
