// Telemetry end to end: readings signed by the device key in this client are submitted by the
// owner acting as gateway; the chain accepts the good bundle, rejects a tampered one beside it
// with its reason, and the device's telemetry state reads back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { connect, devKeyring, sendAndWait, findEvent } from '../lib/chain.js';
import { possessionMessage, signBundle } from '../lib/openvpp.js';

let api;
const { dave } = devKeyring();
const deviceKeys = new Keyring({ type: 'sr25519' });
// Device keys are unique per run, so the tests also pass on a chain that ran them before.
const RUN = Date.now();

before(async () => { api = await connect(); });
after(async () => { await api?.disconnect(); });

test('signed bundles from a 5 kWp roof are verified and counted; a tampered one is rejected', async () => {
  const roof = deviceKeys.addFromUri(`//e2e/telemetry/roof-1/${RUN}`);
  const nonce = (await api.query.deviceIdentity.registrationNonce(dave.address)).toNumber();
  const proof = roof.sign(possessionMessage(api.genesisHash, dave.publicKey, nonce));
  const reg = await sendAndWait(api, api.tx.deviceIdentity.registerDevice(
    'SolarPv', { capacityWh: 0, maxImportW: 50, maxExportW: 5_000 }, 1, 'sma/sunny-boy-5.0',
    { Sr25519: u8aToHex(roof.publicKey) }, { Sr25519: u8aToHex(proof) },
  ), dave);
  const id = findEvent(api, reg.events, 'deviceIdentity', 'DeviceRegistered').event.data[0].toNumber();

  // Four readings 4 s apart at ~4 kW, from just after the roof's commissioning (the chain
  // takes none from before it).
  const start = (await api.query.deviceIdentity.devices(id)).unwrap().commissionedMs.toNumber() + 1_000;
  const readings = [0, 1, 2, 3].map((i) => ({
    timestampMs: start + i * 4_000,
    energyInWh: 0,
    energyOutWh: 1_000 + i * 4,
    socBp: null,
    state: 'Generating',
  }));
  const good = signBundle(roof, api.genesisHash, id, 0, readings);
  // The same readings for the next sequence, with one bit of the signature flipped.
  const later = readings.map((r) => ({ ...r, timestampMs: r.timestampMs + 16_000, energyOutWh: r.energyOutWh + 16 }));
  const tampered = signBundle(roof, api.genesisHash, id, 4, later);
  tampered.signature.Sr25519[10] ^= 0x01;

  const { events } = await sendAndWait(api, api.tx.telemetry.submit([good, tampered]), dave);
  const submitted = findEvent(api, events, 'telemetry', 'Submitted');
  assert.ok(submitted, 'no Submitted event');
  const rejected = findEvent(api, events, 'telemetry', 'BundleRejected');
  assert.ok(rejected, 'tampered bundle not reported');
  assert.equal(rejected.event.data.toHuman().reason, 'BadSignature');

  const state = (await api.query.telemetry.deviceTelemetry(id)).unwrap();
  assert.equal(state.lastSeq.toNumber(), 3);
  assert.equal(state.lastEnergyOutWh.toNumber(), 1_012);
  assert.equal(state.lastTimestampMs.toNumber(), readings[3].timestampMs);

  // The runtime API agrees with storage.
  const viaApi = await api.call.telemetryApi.telemetryState(id);
  assert.equal(viaApi.unwrap().lastSeq.toNumber(), 3);

  // Replaying the accepted bundle is rejected and changes nothing.
  const replay = await sendAndWait(api, api.tx.telemetry.submit([good]), dave);
  const again = findEvent(api, replay.events, 'telemetry', 'BundleRejected');
  assert.equal(again.event.data.toHuman().reason, 'SequenceReplayed');
  const after = (await api.query.telemetry.deviceTelemetry(id)).unwrap();
  assert.equal(after.lastSeq.toNumber(), 3);
});
