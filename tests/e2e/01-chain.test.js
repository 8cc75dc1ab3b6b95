// The chain foundation seen by a wallet: properties, runtime, block production, finality,
// transfers and fee estimation through standard JSON-RPC.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, devKeyring, sendAndWait, findEvent, waitForBlocks } from '../lib/chain.js';

let api;
const { alice, bob } = devKeyring();

before(async () => { api = await connect(); });
after(async () => { await api?.disconnect(); });

test('chain identifies itself and its token', async () => {
  const [chain, name, props] = await Promise.all([
    api.rpc.system.chain(), api.rpc.system.name(), api.rpc.system.properties(),
  ]);
  assert.equal(chain.toString(), 'OpenVPP Development');
  assert.equal(name.toString(), 'OpenVPP Node');
  assert.equal(props.tokenSymbol.unwrap()[0].toString(), 'VPP');
  assert.equal(props.tokenDecimals.unwrap()[0].toNumber(), 12);
  assert.equal(api.runtimeVersion.specName.toString(), 'openvpp');
});

test('metadata exposes the runtime pallets with documentation', async () => {
  for (const p of ['system', 'timestamp', 'aura', 'grandpa', 'balances', 'transactionPayment', 'sudo', 'nfts']) {
    assert.ok(api.query[p], `pallet ${p} missing from metadata`);
  }
  assert.equal(api.consts.balances.existentialDeposit.toBigInt(), 1_000_000_000n);
  const sudoKey = await api.query.sudo.key();
  assert.equal(sudoKey.unwrap().toString(), alice.address);
});

test('blocks are produced and finalized', async () => {
  const start = (await api.rpc.chain.getHeader()).number.toNumber();
  await waitForBlocks(api, 2);
  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  assert.ok(best >= start + 2, `best ${best} did not advance from ${start}`);
  await waitForBlocks(api, 1, { finalized: true });
  const finalizedHash = await api.rpc.chain.getFinalizedHead();
  const finalized = (await api.rpc.chain.getHeader(finalizedHash)).number.toNumber();
  assert.ok(finalized >= 1, 'nothing finalized');
});

test('a transfer moves VPP and charges a fee the payment API predicted', async () => {
  const amount = 5n * 10n ** 12n;
  const before = (await api.query.system.account(bob.address)).data.free.toBigInt();
  const tx = api.tx.balances.transferKeepAlive(bob.address, amount);
  const info = await tx.paymentInfo(alice);
  assert.ok(info.partialFee.toBigInt() > 0n);
  const { events } = await sendAndWait(api, tx, alice);
  assert.ok(findEvent(api, events, 'balances', 'Transfer'));
  const fee = findEvent(api, events, 'transactionPayment', 'TransactionFeePaid');
  assert.ok(fee, 'no fee event');
  const after = (await api.query.system.account(bob.address)).data.free.toBigInt();
  assert.equal(after - before, amount);
});

test('a transfer above the balance fails with a clear error and moves nothing', async () => {
  const { keyring } = devKeyring();
  const poor = keyring.addFromUri('//OpenVppPoorAccount');
  const before = (await api.query.system.account(bob.address)).data.free.toBigInt();
  await assert.rejects(
    sendAndWait(api, api.tx.balances.transferKeepAlive(bob.address, 1n), poor),
    /Inability to pay some fees|Invalid|1010/,
  );
  const after = (await api.query.system.account(bob.address)).data.free.toBigInt();
  assert.equal(after, before);
});
