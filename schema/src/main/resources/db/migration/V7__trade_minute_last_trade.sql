-- Candles from the per-minute sums as well: a kline request and the leader's candle of each interval (loaded on a
-- market's first trade of a leadership term, for 1 m up to 1 month) read every trade of their range, so a monthly
-- candle at a steady 1,000 trades/s meant 2.6 billion rows on the engine thread during a takeover. A candle of
-- whole minutes needs each minute's last trade too (its close); 1 s candles still read trades.

-- Holds off the engine's commits until this migration ends (a router running it at start-up may meet a leader
-- committing): without it, a batch inserting trades meanwhile would run the old trigger body after the columns
-- became NOT NULL, fail, and make the leader rebuild. With tens of millions of trades, migrate in a quiet period,
-- and VACUUM trade_minute afterwards (the backfill rewrites every row).
LOCK TABLE trade IN SHARE MODE;

ALTER TABLE trade_minute ADD COLUMN last_at timestamptz, ADD COLUMN last_id bigint;

UPDATE trade_minute m SET last_at = t.last_at, last_id = t.last_id
FROM (SELECT symbol, floor(extract(epoch FROM created_at) / 60)::bigint AS minute, max(created_at) AS last_at,
             (array_agg(id ORDER BY created_at DESC, id DESC))[1] AS last_id
      FROM trade GROUP BY 1, 2) t
WHERE m.symbol = t.symbol AND m.minute = t.minute;

ALTER TABLE trade_minute ALTER COLUMN last_at SET NOT NULL, ALTER COLUMN last_id SET NOT NULL;

CREATE OR REPLACE FUNCTION trade_minute_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO trade_minute AS m (symbol, minute, trades, volume, quote_volume, high, low, first_at, first_id,
                                   last_at, last_id)
    SELECT symbol, floor(extract(epoch FROM created_at) / 60)::bigint, count(*), sum(quantity), sum(quote_quantity),
           max(price), min(price), min(created_at), (array_agg(id ORDER BY created_at, id))[1],
           max(created_at), (array_agg(id ORDER BY created_at DESC, id DESC))[1]
    FROM new_trades
    GROUP BY 1, 2
    ORDER BY 1, 2 -- rows locked in one order by any writer
    ON CONFLICT (symbol, minute) DO UPDATE SET
        trades = m.trades + EXCLUDED.trades,
        volume = m.volume + EXCLUDED.volume,
        quote_volume = m.quote_volume + EXCLUDED.quote_volume,
        high = greatest(m.high, EXCLUDED.high),
        low = least(m.low, EXCLUDED.low),
        first_at = CASE WHEN (EXCLUDED.first_at, EXCLUDED.first_id) < (m.first_at, m.first_id)
                        THEN EXCLUDED.first_at ELSE m.first_at END,
        first_id = CASE WHEN (EXCLUDED.first_at, EXCLUDED.first_id) < (m.first_at, m.first_id)
                        THEN EXCLUDED.first_id ELSE m.first_id END,
        last_at = CASE WHEN (EXCLUDED.last_at, EXCLUDED.last_id) > (m.last_at, m.last_id)
                       THEN EXCLUDED.last_at ELSE m.last_at END,
        last_id = CASE WHEN (EXCLUDED.last_at, EXCLUDED.last_id) > (m.last_at, m.last_id)
                       THEN EXCLUDED.last_id ELSE m.last_id END;
    RETURN NULL;
END
$$;
