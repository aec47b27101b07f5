// Runs last (files run one at a time in name order): a client that polls its fills and the public trades,
// as trading bots do, must keep getting answers. Each call below is one connection-pool checkout on the router.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newAccount, restClient } from '../lib/harness.js';

// Regression: these endpoints once streamed JDBC results without closing the stream, leaking one pooled
// connection per call until every database-backed endpoint answered 500.
describe('polling (ccxt REST)', () => {
    it('fetchMyTrades and fetchTrades polled 30 times each keep answering', async () => {
        const account = await newAccount('compat-poll', { USDC: '10' });
        const client = restClient(account);
        try {
            await client.loadMarkets();
            for (let i = 0; i < 30; i++) {
                assert.deepEqual(await client.fetchMyTrades('SOL/USDC'), [], `fetchMyTrades #${i + 1}`);
                await client.fetchTrades('SOL/USDC', undefined, 5, { offset: 0 }); // /api/v1/trades/history
            }
            const balance = await client.fetchBalance();
            assert.equal(balance.USDC.free, 10);
        } finally {
            await client.close();
        }
    });
});
