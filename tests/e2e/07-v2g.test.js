// Vehicle-to-grid end to end: a grid operator (registered through sudo on the dev chain) opens
// a discharge event with an escrowed budget, two EVs enroll, their device-signed readings
// during the window are measured, and each owner is paid from the escrow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { connect, devKeyring, sendAndWait, findEvent } from '../lib/chain.js';
import { possessionMessage, signBundle } from '../lib/openvpp.js';

let api;
const { alice, bob, charlie } = devKeyring();
const RUN = Date.now();
const UNITS = 10n ** 12n;
const CAPACITY_WH = 60_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => { api = await connect(); });
after(async () => { await api?.disconnect(); });

async function registerEv(n) {
  const key = new Keyring({ type: 'sr25519' }).addFromUri(`//e2e/v2g/ev-${n}/${RUN}`);
  const nonce = (await api.query.deviceIdentity.registrationNonce(charlie.address)).toNumber();
  const proof = key.sign(possessionMessage(api.genesisHash, charlie.publicKey, nonce));
  const r = await sendAndWait(api, api.tx.deviceIdentity.registerDevice(
    'Ev', { capacityWh: CAPACITY_WH, maxImportW: 11_000, maxExportW: 11_000 }, 1, 'v2g-capable',
    { Sr25519: u8aToHex(key.publicKey) }, { Sr25519: u8aToHex(proof) },
  ), charlie);
  const id = findEvent(api, r.events, 'deviceIdentity', 'DeviceRegistered').event.data[0].toNumber();
  return { id, key, seq: 0, outWh: 20_000, lastMs: 0 };
}

// One signed reading per EV at `atMs`, discharging at `powerW` since the previous one.
function reading(ev, atMs, powerW, state) {
  const dt = ev.lastMs ? atMs - ev.lastMs : 0;
  ev.outWh += Math.floor((powerW * dt) / 3_600_000);
  ev.lastMs = atMs;
  const socBp = Math.round(8_000 - ((ev.outWh - 20_000) / CAPACITY_WH) * 10_000);
  const bundle = signBundle(ev.key, api.genesisHash, ev.id, ev.seq,
    [{ timestampMs: atMs, energyInWh: 10_000, energyOutWh: ev.outWh, socBp, state }]);
  ev.seq += 1;
  return bundle;
}

test('two EVs deliver in a discharge event and are paid from the escrow', async () => {
  // The grid operator for region 1, through the dev chain's sudo (GridAdmin on real chains).
  await sendAndWait(api, api.tx.sudo.sudo(api.tx.v2g.addOperator(1, bob.address)), alice);

  const evs = [await registerEv(1), await registerEv(2)];
  // Both plugged in, idle at 80 % SoC.
  const t0 = Date.now() - 2_000;
  await sendAndWait(api, api.tx.telemetry.submit(evs.map((ev) => reading(ev, t0, 0, 'Idle'))), charlie);

  const chainNow = (await api.query.timestamp.now()).toNumber();
  const start = chainNow + 75_000;
  const end = start + 120_000;
  const price = UNITS / 4n; // 0.25 VPP per kWh
  const opened = await sendAndWait(api, api.tx.v2g.openEvent(
    1, 'Discharge', start, end, 20_000, price, 10, 50n * UNITS,
  ), bob);
  const eventId = findEvent(api, opened.events, 'v2g', 'EventOpened').event.data[0].toNumber();

  for (const ev of evs) {
    await sendAndWait(api, api.tx.v2g.enroll(eventId, ev.id, 10_000, 300_000, null), charlie);
  }
  const enrollment = await api.call.v2gApi.enrollment(eventId, evs[0].id);
  assert.ok(enrollment.isSome, 'enrollment not visible through the runtime API');

  // Report every ~20 s until the window is over: idle before it, 10.5 kW during it.
  while (Date.now() < end + 8_000) {
    await sleep(20_000);
    const at = Date.now() - 2_000;
    const inWindow = at > start && at <= end;
    await sendAndWait(api, api.tx.telemetry.submit(
      evs.map((ev) => reading(ev, at, inWindow ? 10_500 : 0, inWindow ? 'Discharging' : 'Idle')),
    ), charlie);
  }
  // Make sure chain time has passed the window.
  while ((await api.query.timestamp.now()).toNumber() <= end) await sleep(3_000);

  const committedWh = Math.floor((10_000 * 120_000) / 3_600_000);
  for (const ev of evs) {
    const before = (await api.query.system.account(charlie.address)).data.free.toBigInt();
    const r = await sendAndWait(api, api.tx.v2g.claimPayment(eventId, ev.id), charlie);
    const paid = findEvent(api, r.events, 'v2g', 'PaymentClaimed');
    assert.ok(paid, 'no PaymentClaimed event');
    const data = paid.event.data;
    const deliveredWh = data.deliveredWh.toNumber();
    const committed = data.committedWh.toNumber();
    const amount = data.amount.toBigInt();
    assert.equal(committed, committedWh);
    assert.ok(deliveredWh > 0, 'nothing measured as delivered');
    const expected = (BigInt(Math.min(deliveredWh, committedWh)) * price) / 1_000n;
    assert.equal(amount, expected);
    const after = (await api.query.system.account(charlie.address)).data.free.toBigInt();
    assert.ok(after > before - UNITS / 100n, 'owner not paid');
    const profile = (await api.call.v2gApi.evProfile(ev.id)).unwrap().toJSON();
    assert.equal(profile.capacityWh, CAPACITY_WH);
    assert.ok(profile.history.eventsJoined >= 1, `participation not recorded: ${JSON.stringify(profile.history)}`);
    assert.ok(profile.history.energyDeliveredWh > 0);
  }
  // A second claim is refused.
  await assert.rejects(sendAndWait(api, api.tx.v2g.claimPayment(eventId, evs[0].id), charlie), /v2g\.\w+/);
});
