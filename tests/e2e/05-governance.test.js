// Governance end to end: a preimage that registers a grid region goes to a referendum on the
// GridAdmin track, gets its decision deposit and conviction votes, and is enacted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, devKeyring, sendAndWait, findEvent } from '../lib/chain.js';

let api;
const { alice, bob, charlie } = devKeyring();
const REGION = 77;

before(async () => { api = await connect(); });
after(async () => { await api?.disconnect(); });

test('a GridAdmin referendum registers a region after enactment', async () => {
  assert.ok((await api.query.deviceIdentity.regions(REGION)).isNone, 'region exists already');
  // A signed account cannot do it directly.
  await assert.rejects(
    sendAndWait(api, api.tx.deviceIdentity.createRegion(REGION, 'Iberia', 'ES', 60), bob),
    /BadOrigin/,
  );

  const call = api.tx.deviceIdentity.createRegion(REGION, 'Iberia', 'ES', 60);
  const encoded = call.method.toHex();
  const hash = call.method.hash.toHex();
  const len = call.method.encodedLength;
  await sendAndWait(api, api.tx.preimage.notePreimage(encoded), alice);

  const submitted = await sendAndWait(api, api.tx.referenda.submit(
    { Origins: 'GridAdmin' },
    { Lookup: { hash, len } },
    { After: 1 },
  ), alice);
  const ev = findEvent(api, submitted.events, 'referenda', 'Submitted');
  assert.ok(ev, 'no Submitted event');
  const index = ev.event.data[0].toNumber();
  assert.equal(ev.event.data[1].toNumber(), 1, 'not on the grid_admin track');

  await sendAndWait(api, api.tx.referenda.placeDecisionDeposit(index), alice);
  const vote = (balance, conviction) => ({ Standard: { vote: { aye: true, conviction }, balance } });
  await sendAndWait(api, api.tx.convictionVoting.vote(index, vote(900_000n * 10n ** 12n, 'Locked3x')), alice);
  await sendAndWait(api, api.tx.convictionVoting.vote(index, vote(500_000n * 10n ** 12n, 'Locked1x')), charlie);

  const deadline = Date.now() + 240_000;
  let region = await api.query.deviceIdentity.regions(REGION);
  while (region.isNone && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 3_000));
    region = await api.query.deviceIdentity.regions(REGION);
  }
  assert.ok(region.isSome, 'the region was not created by the referendum');
  const info = await api.query.referenda.referendumInfoFor(index);
  assert.ok(info.unwrap().isApproved, `referendum ended as ${info.unwrap().type}`);
});
