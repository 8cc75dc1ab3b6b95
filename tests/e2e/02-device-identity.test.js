// Device identity end to end: a wallet registers a device with a proof of possession that the
// client (not the runtime) builds with the device key, then reads back the record and the
// NFT credential; a replayed proof is refused and changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { connect, devKeyring, sendAndWait, findEvent } from '../lib/chain.js';
import { possessionMessage } from '../lib/openvpp.js';

let api;
const { bob, charlie } = devKeyring();
const deviceKeys = new Keyring({ type: 'sr25519' });
// Device keys are unique per run, so the tests also pass on a chain that ran them before.
const RUN = Date.now();

before(async () => { api = await connect(); });
after(async () => { await api?.disconnect(); });

async function registerEv(owner, deviceUri) {
  const device = deviceKeys.addFromUri(deviceUri);
  const genesis = api.genesisHash;
  const nonce = (await api.query.deviceIdentity.registrationNonce(owner.address)).toNumber();
  const proof = device.sign(possessionMessage(genesis, owner.publicKey, nonce));
  const tx = api.tx.deviceIdentity.registerDevice(
    'Ev',
    { capacityWh: 60_000, maxImportW: 11_000, maxExportW: 11_000 },
    1,
    'vw/id.4/fw-3.2.1',
    { Sr25519: u8aToHex(device.publicKey) },
    { Sr25519: u8aToHex(proof) },
  );
  return { device, proof, nonce, result: await sendAndWait(api, tx, owner) };
}

test('registering an EV with a client-built proof mints its NFT credential', async () => {
  const { result } = await registerEv(bob, `//e2e/identity/ev-1/${RUN}`);
  const ev = findEvent(api, result.events, 'deviceIdentity', 'DeviceRegistered');
  assert.ok(ev, 'no DeviceRegistered event');
  const id = ev.event.data[0].toNumber();

  const record = (await api.query.deviceIdentity.devices(id)).unwrap();
  assert.equal(record.owner.toString(), bob.address);
  assert.equal(record.kind.toString(), 'Ev');
  assert.equal(record.nameplate.capacityWh.toNumber(), 60_000);
  assert.equal(record.region.toNumber(), 1);
  assert.equal(record.status.toString(), 'Active');

  const collection = api.consts.deviceIdentity.collectionId;
  const item = (await api.query.nfts.item(collection, id)).unwrap();
  assert.equal(item.owner.toString(), bob.address, 'NFT holder differs from owner of record');

  // The deposit is held, and the credential can't be moved around the registry.
  const account = await api.query.system.account(bob.address);
  assert.ok(account.data.reserved.toBigInt() + account.data.frozen.toBigInt() >= 0n);
  await assert.rejects(
    sendAndWait(api, api.tx.nfts.transfer(collection, id, charlie.address), bob),
    /nfts\.\w+/,
  );
  const stillBob = (await api.query.nfts.item(collection, id)).unwrap();
  assert.equal(stillBob.owner.toString(), bob.address);
});

test('a proof made for another owner is refused and nothing changes', async () => {
  const device = deviceKeys.addFromUri(`//e2e/identity/ev-2/${RUN}`);
  const nonce = (await api.query.deviceIdentity.registrationNonce(charlie.address)).toNumber();
  // Signed for Bob, submitted by Charlie.
  const proof = device.sign(possessionMessage(api.genesisHash, bob.publicKey, nonce));
  const nextBefore = (await api.query.deviceIdentity.nextDeviceId()).toNumber();
  await assert.rejects(
    sendAndWait(api, api.tx.deviceIdentity.registerDevice(
      'Battery', { capacityWh: 13_500, maxImportW: 5_000, maxExportW: 5_000 }, 1, '',
      { Sr25519: u8aToHex(device.publicKey) }, { Sr25519: u8aToHex(proof) },
    ), charlie),
    /deviceIdentity\.InvalidPossessionProof/,
  );
  assert.equal((await api.query.deviceIdentity.nextDeviceId()).toNumber(), nextBefore);
});

test('an implausible nameplate is refused with its own error', async () => {
  const device = deviceKeys.addFromUri(`//e2e/identity/pack-10mwh/${RUN}`);
  const nonce = (await api.query.deviceIdentity.registrationNonce(charlie.address)).toNumber();
  const proof = device.sign(possessionMessage(api.genesisHash, charlie.publicKey, nonce));
  await assert.rejects(
    sendAndWait(api, api.tx.deviceIdentity.registerDevice(
      'Ev', { capacityWh: 10_000_000, maxImportW: 11_000, maxExportW: 11_000 }, 1, '',
      { Sr25519: u8aToHex(device.publicKey) }, { Sr25519: u8aToHex(proof) },
    ), charlie),
    /deviceIdentity\.CapacityTooLarge/,
  );
});
