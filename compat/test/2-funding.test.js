// Deposits and withdrawals (made through the operator API) as ccxt sees them: fetchDeposits,
// fetchWithdrawals and the balance they leave, on a fresh account.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newAccount, deposit, withdraw, restClient, sleep } from '../lib/harness.js';

describe('funding history (ccxt REST, signed)', () => {
    let account;
    let client;
    let startedAt;
    let afterDeposits;

    before(async () => {
        startedAt = Date.now() - 1000; // server and client share the machine's clock; allow for rounding
        account = await newAccount('compat-funding');
        await deposit(account, 'USDC', '1234.567891');
        await deposit(account, 'SOL', '2.5');
        await sleep(50);
        afterDeposits = Date.now();
        await sleep(50);
        await withdraw(account, 'USDC', '34.567891');
        await withdraw(account, 'SOL', '0.000000001');
        client = restClient(account);
        await client.loadMarkets();
    });

    after(async () => {
        await client?.close();
    });

    it('fetchBalance: deposits less withdrawals', async () => {
        const balance = await client.fetchBalance();
        assert.deepEqual(balance.USDC, { free: 1200, used: 0, total: 1200 });
        assert.deepEqual(balance.SOL, { free: 2.499999999, used: 0, total: 2.499999999 });
        const raw = await client.privateGetApiV1Capital();
        assert.equal(raw.USDC.available, '1200');
        assert.equal(raw.SOL.available, '2.499999999');
    });

    it('fetchDeposits: every deposit with amount, currency, status and time', async () => {
        const deposits = await client.fetchDeposits();
        assert.equal(deposits.length, 2);
        const byCurrency = Object.fromEntries(deposits.map((d) => [d.currency, d]));
        assert.equal(byCurrency.USDC.amount, 1234.567891);
        assert.equal(byCurrency.SOL.amount, 2.5);
        for (const d of deposits) {
            assert.equal(d.status, 'ok', `status of ${d.currency}`);
            assert.equal(d.info.status, 'confirmed');
            assert.match(d.id, /^\d+$/);
            assert.ok(d.timestamp >= startedAt && d.timestamp <= afterDeposits + 1000,
                `timestamp ${d.timestamp} within the test`);
            assert.equal(d.datetime, new Date(d.timestamp).toISOString());
        }
        assert.notEqual(byCurrency.USDC.id, byCurrency.SOL.id);
    });

    it('fetchDeposits: by currency, since and limit', async () => {
        const usdc = await client.fetchDeposits('USDC');
        assert.deepEqual(usdc.map((d) => [d.currency, d.amount]), [['USDC', 1234.567891]]);
        assert.deepEqual(await client.fetchDeposits(undefined, Date.now() + 60000), []);
        const sinceStart = await client.fetchDeposits(undefined, startedAt);
        assert.equal(sinceStart.length, 2);
        const one = await client.fetchDeposits(undefined, undefined, 1);
        assert.equal(one.length, 1);
        assert.equal(one[0].currency, 'SOL', 'newest first from the server, the latest deposit');
    });

    it('fetchWithdrawals: every withdrawal with amount, currency, status and time', async () => {
        const withdrawals = await client.fetchWithdrawals();
        assert.equal(withdrawals.length, 2);
        const byCurrency = Object.fromEntries(withdrawals.map((w) => [w.currency, w]));
        assert.equal(byCurrency.USDC.amount, 34.567891);
        assert.equal(byCurrency.SOL.amount, 0.000000001);
        for (const w of withdrawals) {
            assert.equal(w.status, 'ok');
            assert.ok(w.timestamp >= afterDeposits - 1000 && w.timestamp <= Date.now() + 1000,
                `timestamp ${w.timestamp} within the test`);
        }
        const usdc = await client.fetchWithdrawals('USDC');
        assert.deepEqual(usdc.map((w) => [w.currency, w.amount]), [['USDC', 34.567891]]);
    });

    it('fetchWithdrawals: since and until (sent as from/to)', async () => {
        assert.deepEqual(await client.fetchWithdrawals(undefined, Date.now() + 60000), []);
        assert.deepEqual(await client.fetchWithdrawals(undefined, undefined, undefined, { until: afterDeposits - 60000 }), []);
        const window = await client.fetchWithdrawals(undefined, afterDeposits, undefined, { until: Date.now() + 1000 });
        assert.equal(window.length, 2);
    });

    it('another account sees none of them', async () => {
        const other = restClient(await newAccount('compat-funding-other'));
        try {
            assert.deepEqual(await other.fetchDeposits(), []);
            assert.deepEqual(await other.fetchWithdrawals(), []);
        } finally {
            await other.close();
        }
    });
});
