-- GET /wapi/v1/history/fills?orderId= reads the fills of one order from either side.
CREATE INDEX trade_maker_order_idx ON trade (maker_order_id);
CREATE INDEX trade_taker_order_idx ON trade (taker_order_id);
-- GET /wapi/v1/history/orders?symbol= without sorting all of the account's orders.
CREATE INDEX orders_account_symbol_history_idx ON orders (account_id, symbol, created_at DESC, id DESC);
