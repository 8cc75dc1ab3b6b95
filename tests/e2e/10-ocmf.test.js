// Certified chargers on the dev node: a meter maker (sudo here, governance on a real chain)
// publishes an OCMF wallbox model; `openvpp-gateway feed serve --format ocmf` registers two
// P-256 charging points with the maker's owner-bound certificates and serves their meters'
// OCMF records as OCPP 2.0.1 MeterValues, exactly as an Eichrecht charger sends them. The node's
// offchain worker pulls them and submits `telemetry.submitOcmf`; the readings are accepted,
// the raw records kept for auditors, and the chargers earn rewards. A tampered record is
// refused by `openvpp_verifyOcmf`, the chain's own verdict without a transaction.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { connectWithProvider, devKeyring, sendAndWait, findEvent, serveFeed, waitFor } from '../lib/chain.js';

const RUN = Date.now();
const UNITS = 10n ** 12n;
const children = [];
const added = [];
let api;
let provider;

after(async () => {
  for (const url of added) await provider?.send('openvpp_removeFeed', [url]).catch(() => {});
  for (const c of children) c.kill('SIGTERM');
  await api?.disconnect();
});


test('OCMF records of certified P-256 chargers flow from the feed to accepted telemetry and rewards', async () => {
  ({ api, provider } = await connectWithProvider());
  const rpc = (method, params) => provider.send(method, params);
  const { keyring, alice } = devKeyring();

  // The node's gateway key, funded: the one the feeds test gives the node (the worker signs
  // with any `gtwy` key in the keystore, so every feed test uses the same one).
  const gatewaySeed = '//e2e/feeds/gateway';
  const gateway = keyring.addFromUri(gatewaySeed);
  await rpc('author_insertKey', ['gtwy', gatewaySeed, u8aToHex(gateway.publicKey)]);
  await sendAndWait(api, api.tx.balances.transferKeepAlive(gateway.address, 100n * UNITS), alice);

  // The charging points' owner, funded for the registration deposits.
  const ownerUri = `//e2e/ocmf/owner/${RUN}`;
  const owner = new Keyring({ type: 'sr25519' }).addFromUri(ownerUri);
  await sendAndWait(api, api.tx.balances.transferKeepAlive(owner.address, 1_000n * UNITS), alice);

  // A meter maker with an sr25519 root key and an 11 kW OCMF wallbox model whose meters
  // cannot sign a proof of possession.
  const makerUri = `//e2e/ocmf/maker/${RUN}`;
  const root = new Keyring({ type: 'sr25519' }).addFromUri(makerUri);
  const created = await sendAndWait(api, api.tx.sudo.sudo(api.tx.deviceIdentity.createManufacturer(
    `e2e meters ${RUN}`, [{ Sr25519: u8aToHex(root.publicKey) }],
  )), alice);
  const manufacturer = findEvent(api, created.events, 'deviceIdentity', 'ManufacturerCreated').event.data[0].toNumber();
  const modelTx = await sendAndWait(api, api.tx.sudo.sudo(api.tx.deviceIdentity.createModel(
    manufacturer, 'EM340 wallbox', 'Ev', { capacityWh: 120_000, maxImportW: 22_000, maxExportW: 0 },
    'MidB', 'P256', false,
  )), alice);
  const model = findEvent(api, modelTx.events, 'deviceIdentity', 'ModelCreated').event.data[0].toNumber();

  const feed = await serveFeed(['--format', 'ocmf', '--devices', '2', '--owner', ownerUri,
    '--key-seed', `//e2e/ocmf/meters/${RUN}`, '--authorize', gateway.address, '--period-ms', '3000',
    '--manufacturer', String(manufacturer), '--model', String(model), '--manufacturer-key', makerUri], children);
  assert.equal(feed.devices.length, 2);

  // Registered as hardware-attested EV charging points of that model.
  for (const id of feed.devices) {
    const device = await rpc('openvpp_device', [id]);
    assert.equal(device.kind.toLowerCase(), 'ev');
    assert.equal(device.hardwareAttested, true, JSON.stringify(device));
    assert.equal(device.hardware.manufacturer, manufacturer);
    assert.equal(device.hardware.model, model);
  }

  // What the charger serves: OCPP MeterValues with OCMF records.
  const served = await (await fetch(feed.url)).json();
  const sampled = served.flatMap((r) => r.meterValue).flatMap((mv) => mv.sampledValue);
  const signed = sampled.map((s) => s.signedMeterValue).find((s) => s);
  assert.equal(signed.encodingMethod, 'OCMF');
  assert.match(signed.signedMeterData, /^OCMF\|\{/);

  assert.equal(await rpc('openvpp_addFeed', [feed.url]), true);
  added.push(feed.url);

  // The worker submits the records; each meter's readings are accepted in order.
  await waitFor('OCMF readings of both chargers on chain', async () => {
    const states = await Promise.all(feed.devices.map((d) => rpc('openvpp_telemetryState', [d])));
    return states.every((s) => s && s.lastSeq >= 4 && s.lastEnergyInWh > 0);
  }, 150_000);
  const quality = (await api.call.telemetryApi.gatewayQuality(gateway.address)).toJSON();
  assert.ok(quality.bundlesAccepted >= 4, JSON.stringify(quality));
  assert.equal(quality.unknownDevice + quality.notAuthorized + quality.badSignature + quality.deviceFaults, 0,
    JSON.stringify(quality));

  // Auditors find the raw records beside the readings, and the chain's verdict on one of them
  // is the meter's register; one digit changed and it is refused.
  const history = await rpc('openvpp_telemetryHistory', [feed.devices[0], 0, 100]);
  const raw = history.readings.find((r) => r.ocmf)?.ocmf;
  assert.ok(raw?.startsWith('OCMF|'), JSON.stringify(history));
  // The meter's key, as its charger publishes it beside its records (matched by serial).
  const serialOf = (record) => JSON.parse(record.split('|')[1]).MS;
  const key = sampled.map((s) => s.signedMeterValue)
    .find((s) => s && serialOf(s.signedMeterData) === serialOf(raw)).publicKey;
  const verdict = await rpc('openvpp_verifyOcmf', [raw, key]);
  assert.equal(verdict.valid, true, JSON.stringify(verdict));
  assert.equal(verdict.meter.serial, serialOf(raw));
  const value = raw.match(/"RV":([0-9.]+)/)[1];
  assert.equal(verdict.readings[0].energyInWh, Math.round(Number(value) * 1000));
  const last = value.at(-1);
  const tampered = raw.replace(`"RV":${value}`, `"RV":${value.slice(0, -1)}${last === '9' ? '8' : Number(last) + 1}`);
  assert.notEqual(tampered, raw);
  const refused = await rpc('openvpp_verifyOcmf', [tampered, key]);
  assert.equal(refused.valid, false);
  assert.match(refused.error, /signature/);
  await assert.rejects(rpc('openvpp_verifyOcmf', [raw, 'not a key']), /publicKey/);

  // Charging is flexible consumption: once the one-minute epoch closes, the chargers have
  // rewards to claim.
  await waitFor('the chargers to have claimable rewards', async () => {
    const pending = await Promise.all(feed.devices.map((d) => rpc('openvpp_pendingRewards', [d])));
    return pending.every((p) => BigInt(p) > 0n);
  }, 180_000);
});
