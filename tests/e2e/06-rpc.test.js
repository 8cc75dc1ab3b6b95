// The openvpp_* JSON-RPC methods against the dev node: device records, an owner's devices,
// telemetry state, paged history from the offchain index, and the readings subscription.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { connectWithProvider, devKeyring, sendAndWait, findEvent } from '../lib/chain.js';
import { possessionMessage, signBundle } from '../lib/openvpp.js';

let api;
let provider;
let device;
let meter;
const { eve } = { eve: devKeyring().keyring.addFromUri('//Eve') };
const RUN = Date.now();
const rpc = (method, params) => provider.send(method, params);

before(async () => {
  ({ api, provider } = await connectWithProvider());
  meter = new Keyring({ type: 'sr25519' }).addFromUri(`//e2e/rpc/meter/${RUN}`);
  const nonce = (await api.query.deviceIdentity.registrationNonce(eve.address)).toNumber();
  const proof = meter.sign(possessionMessage(api.genesisHash, eve.publicKey, nonce));
  const reg = await sendAndWait(api, api.tx.deviceIdentity.registerDevice(
    'SmartMeter', { capacityWh: 0, maxImportW: 14_500, maxExportW: 5_000 }, 2, 'landis-gyr/e450',
    { Sr25519: u8aToHex(meter.publicKey) }, { Sr25519: u8aToHex(proof) },
  ), eve);
  device = findEvent(api, reg.events, 'deviceIdentity', 'DeviceRegistered').event.data[0].toNumber();
});
after(async () => { await api?.disconnect(); });

// Readings 2 s apart (the chain takes none from before the meter's commissioning, so the
// history starts right after its registration).
function meterReadings(firstSeq, count, startMs, baseWh) {
  return Array.from({ length: count }, (_, i) => ({
    timestampMs: startMs + (firstSeq + i) * 2_000,
    energyInWh: baseWh + (firstSeq + i), // ~1.8 kW household load
    energyOutWh: 0,
    socBp: null,
    state: 'Idle',
  }));
}

test('openvpp_device and openvpp_devicesOf describe the registered meter', async () => {
  const d = await rpc('openvpp_device', [device]);
  assert.equal(d.id, device);
  assert.equal(d.owner, eve.address);
  assert.equal(d.kind, 'smart_meter');
  assert.equal(d.nameplate.maxImportW, 14_500);
  assert.equal(d.region, 2);
  assert.equal(d.status, 'Active');
  assert.equal(d.nftHolder, eve.address);
  assert.equal(await rpc('openvpp_device', [9_999_999]), null);
  const ids = await rpc('openvpp_devicesOf', [eve.address, null, 10]);
  assert.ok(ids.includes(device));
  await assert.rejects(rpc('openvpp_devicesOf', ['not-an-address', null, 10]), /not an SS58 address/);
});

test('history pages through the offchain index and the subscription streams new readings', async () => {
  const start = (await rpc('openvpp_device', [device])).commissionedMs + 1_000;
  // 12 readings accepted first, paged 5 at a time.
  const first = meterReadings(0, 12, start, 50_000);
  await sendAndWait(api, api.tx.telemetry.submit([signBundle(meter, api.genesisHash, device, 0, first)]), eve);

  const state = await rpc('openvpp_telemetryState', [device]);
  assert.equal(state.lastSeq, 11);
  assert.equal(state.lastEnergyInWh, 50_011);

  const page1 = await rpc('openvpp_telemetryHistory', [device, 0, 5]);
  assert.deepEqual(page1.readings.map((r) => r.seq), [0, 1, 2, 3, 4]);
  assert.equal(page1.next, 5);
  assert.equal(page1.readings[0].energyInWh, 50_000);
  assert.equal(page1.readings[0].timestampMs, start);
  const page3 = await rpc('openvpp_telemetryHistory', [device, 10, 5]);
  assert.deepEqual(page3.readings.map((r) => r.seq), [10, 11]);
  assert.equal(page3.next, null);

  // Subscribe, then submit four more readings: they arrive in order.
  const received = [];
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${received.length} readings streamed`)), 60_000);
    provider.subscribe('openvpp_reading', 'openvpp_subscribeReadings', [device], (err, reading) => {
      if (err) { clearTimeout(timer); reject(err); return; }
      received.push(reading);
      if (received.length === 4) { clearTimeout(timer); resolve(); }
    }).catch(reject);
  });
  const more = meterReadings(12, 4, start, 50_000);
  await sendAndWait(api, api.tx.telemetry.submit([signBundle(meter, api.genesisHash, device, 12, more)]), eve);
  await done;
  assert.deepEqual(received.map((r) => r.seq), [12, 13, 14, 15]);
  assert.equal(received[3].energyInWh, 50_015);
});

test('rewards and credit score are readable for the device', async () => {
  const pending = await rpc('openvpp_pendingRewards', [device]);
  assert.match(pending, /^\d+$/);
  const score = await rpc('openvpp_creditScore', [device]);
  assert.ok(score === null || (score >= 0 && score <= 1000));
});
