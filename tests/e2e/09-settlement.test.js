// Settlement on the dev node (one-minute epochs): a solar array's verified generation becomes
// claimable rewards once its epoch closes, and an hourly green certificate that its owner
// retires against a meter's consumption in the same region and hour.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { connectWithProvider, devKeyring, sendAndWait, findEvent, waitFor } from '../lib/chain.js';
import { certificateMessage, possessionMessage, signBundle } from '../lib/openvpp.js';
import { blake2AsHex } from '@polkadot/util-crypto';

const HOUR_MS = 3_600_000;
const RUN = Date.now();
const UNITS = 10n ** 12n;
let api;
let provider;
let owner;
let maker;
const rpc = (method, params) => provider.send(method, params);

before(async () => {
  ({ api, provider } = await connectWithProvider());
  const { alice } = devKeyring();
  owner = new Keyring({ type: 'sr25519' }).addFromUri(`//e2e/settlement/${RUN}`);
  await sendAndWait(api, api.tx.balances.transferKeepAlive(owner.address, 1_000n * UNITS), alice);
  // A PV inverter maker (governance on a real chain, sudo here) with an sr25519 root key and
  // a 5 kW model: green certificates are issued only for hardware-attested devices.
  const root = new Keyring({ type: 'sr25519' }).addFromUri(`//e2e/settlement/maker/${RUN}`);
  const created = await sendAndWait(api, api.tx.sudo.sudo(api.tx.deviceIdentity.createManufacturer(
    `e2e inverters ${RUN}`, [{ Sr25519: u8aToHex(root.publicKey) }],
  )), alice);
  const manufacturer = findEvent(api, created.events, 'deviceIdentity', 'ManufacturerCreated').event.data[0].toNumber();
  const modelTx = await sendAndWait(api, api.tx.sudo.sudo(api.tx.deviceIdentity.createModel(
    manufacturer, 'SB 5.0', 'SolarPv', { capacityWh: 0, maxImportW: 50, maxExportW: 5_000 }, 'Unclassified', 'Sr25519', true,
  )), alice);
  const model = findEvent(api, modelTx.events, 'deviceIdentity', 'ModelCreated').event.data[0].toNumber();
  maker = { root, manufacturer, model };
});

// Registers `key`'s device with a certificate of the test's maker; returns its id.
async function registerCertified(nameplate, key) {
  const now = (await api.query.timestamp.now()).toNumber();
  const body = {
    manufacturer: maker.manufacturer, model: maker.model, serialHash: blake2AsHex(`SN-${RUN}-${u8aToHex(key.publicKey)}`),
    devicePublicKey: key.publicKey, nameplate, validFromMs: now - HOUR_MS, validUntilMs: now + 100 * 24 * HOUR_MS,
    ownerPublic: null,
  };
  const certificate = {
    body: {
      manufacturer: body.manufacturer, model: body.model, serialHash: body.serialHash,
      deviceKey: { Sr25519: u8aToHex(key.publicKey) }, nameplate,
      validFromMs: body.validFromMs, validUntilMs: body.validUntilMs, owner: null,
    },
    rootKey: 0,
    signature: { Sr25519: u8aToHex(maker.root.sign(certificateMessage(body))) },
  };
  const nonce = (await api.query.deviceIdentity.registrationNonce(owner.address)).toNumber();
  const proof = key.sign(possessionMessage(api.genesisHash, owner.publicKey, nonce));
  const reg = await sendAndWait(api, api.tx.deviceIdentity.registerCertifiedDevice(
    1, 'e2e/settlement/certified', { Sr25519: u8aToHex(key.publicKey) }, certificate, { Sr25519: u8aToHex(proof) },
  ), owner);
  assert.ok(findEvent(api, reg.events, 'deviceIdentity', 'DeviceCertified'));
  const id = findEvent(api, reg.events, 'deviceIdentity', 'DeviceRegistered').event.data[0].toNumber();
  await sendAndWait(api, api.tx.deviceIdentity.authorizeGateway(id, owner.address), owner);
  return id;
}
after(async () => { await api?.disconnect(); });

async function register(kind, nameplate, key) {
  const nonce = (await api.query.deviceIdentity.registrationNonce(owner.address)).toNumber();
  const proof = key.sign(possessionMessage(api.genesisHash, owner.publicKey, nonce));
  const reg = await sendAndWait(api, api.tx.deviceIdentity.registerDevice(
    kind, nameplate, 1, `e2e/settlement/${kind}`,
    { Sr25519: u8aToHex(key.publicKey) }, { Sr25519: u8aToHex(proof) },
  ), owner);
  const id = findEvent(api, reg.events, 'deviceIdentity', 'DeviceRegistered').event.data[0].toNumber();
  await sendAndWait(api, api.tx.deviceIdentity.authorizeGateway(id, owner.address), owner);
  return id;
}

test('generation becomes claimable rewards and a certificate retired in the same hour', async () => {
  const keys = new Keyring({ type: 'sr25519' });
  const pvKey = keys.addFromUri(`//e2e/settlement/pv/${RUN}`);
  const meterKey = keys.addFromUri(`//e2e/settlement/meter/${RUN}`);
  const pv = await registerCertified({ capacityWh: 0, maxImportW: 50, maxExportW: 5_000 }, pvKey);
  const meter = await register('SmartMeter', { capacityWh: 0, maxImportW: 14_500, maxExportW: 5_000 }, meterKey);

  // Readings inside one clock hour, from just after both devices' commissioning (the chain
  // takes none from before it) to just before chain time.
  const commissioned = Math.max(
    (await rpc('openvpp_device', [pv])).commissionedMs,
    (await rpc('openvpp_device', [meter])).commissionedMs,
  );
  let start = commissioned + 1_000;
  if (Math.floor(start / HOUR_MS) !== Math.floor((start + 20_000) / HOUR_MS)) {
    await new Promise((r) => setTimeout(r, HOUR_MS - (start % HOUR_MS) + 6_000));
    start = (await api.query.timestamp.now()).toNumber();
  }
  const hour = Math.floor(start / HOUR_MS);
  const times = [0, 4_000, 8_000, 12_000].map((after) => start + after);
  // 4 kW of PV and a 2 kW household load, 4 s apart.
  const pvReadings = times.map((t, i) => ({
    timestampMs: t, energyInWh: 0, energyOutWh: 1_000 + i * 4, socBp: null, state: 'Generating',
  }));
  const meterReadings = times.map((t, i) => ({
    timestampMs: t, energyInWh: 20_000 + i * 2, energyOutWh: 0, socBp: null, state: 'Idle',
  }));
  const submitted = await sendAndWait(api, api.tx.telemetry.submit([
    signBundle(pvKey, api.genesisHash, pv, 0, pvReadings),
    signBundle(meterKey, api.genesisHash, meter, 0, meterReadings),
  ]), owner);
  const batch = findEvent(api, submitted.events, 'telemetry', 'Submitted').event.data;
  assert.equal(batch.acceptedBundles.toNumber(), 2);

  // Rewards: the epoch closes once its one-epoch grace for late telemetry is over (two
  // minutes at most); the pending amount is then paid by `claim`.
  const pending = BigInt(await waitFor('the PV array to have claimable rewards', async () => {
    const p = await rpc('openvpp_pendingRewards', [pv]);
    return BigInt(p) > 0n ? p : null;
  }, 240_000));
  const claimed = await sendAndWait(api, api.tx.settlement.claim([pv]), owner);
  const paid = findEvent(api, claimed.events, 'settlement', 'RewardsClaimed').event.data;
  assert.equal(paid.owner.toString(), owner.address);
  assert.ok(paid.amount.toBigInt() >= pending, `${paid.amount} < ${pending}`);
  assert.equal(await rpc('openvpp_pendingRewards', [pv]), '0');
  await assert.rejects(sendAndWait(api, api.tx.settlement.claim([pv]), owner), /settlement\.\w+/);
  // The device's NFT credential shows what it has earned.
  const attribute = await api.query.nfts.attribute(0, pv, 'Pallet', 'lifetime_reward');
  assert.equal(new TextDecoder().decode(attribute.unwrap()[0].toU8a(true)), paid.amount.toString());

  // A certificate for the hour's generation; certifying it twice is refused.
  const generated = (await rpc('openvpp_device', [pv])).counters.energyOutWh;
  const consumed = (await rpc('openvpp_device', [meter])).counters.energyInWh;
  assert.ok(generated > 0 && consumed > 0);
  const issued = await sendAndWait(api, api.tx.settlement.issueCertificates(pv, hour, generated), owner);
  const certificate = findEvent(api, issued.events, 'settlement', 'CertificatesIssued').event.data.id.toNumber();
  await assert.rejects(
    sendAndWait(api, api.tx.settlement.issueCertificates(pv, hour, 1), owner),
    /settlement\.GenerationAlreadyCertified/,
  );
  const held = await rpc('openvpp_certificates', [owner.address]);
  const cert = held.find((c) => c.id === certificate);
  assert.equal(cert.amountWh, generated);
  assert.deepEqual([cert.provenance.device, cert.provenance.hour, cert.provenance.region], [pv, hour, 1]);

  // Retired against the meter's consumption in the same region and hour: the proof of
  // hourly-matched green consumption.
  const amount = Math.min(generated, consumed);
  await assert.rejects(
    sendAndWait(api, api.tx.settlement.retire(certificate, amount + consumed + 1, meter), owner),
    /settlement\.Exceeds/,
  );
  await sendAndWait(api, api.tx.settlement.retire(certificate, amount, meter), owner);
  const proof = await rpc('openvpp_retirements', [owner.address, hour, hour]);
  assert.equal(proof.totalWh, amount);
  assert.equal(proof.retirements[0].meter, meter);
  assert.equal(proof.retirements[0].certificate, certificate);
  assert.equal(proof.retirements[0].source.device, pv);
});
