// Vehicle-to-grid end to end with the gateway's simulated fleet: a grid operator (registered
// through sudo on the dev chain) opens a discharge event with an escrowed budget, two EVs and a
// home battery of an `openvpp-gateway simulate` fleet enroll, the simulator follows the
// dispatch and signs their readings, the chain measures delivery against each device's
// baseline, and each owner is paid from the escrow exactly delivered (capped) × price.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { WS, connectWithProvider, devKeyring, sendAndWait, findEvent } from '../lib/chain.js';

const BIN = process.env.OPENVPP_GATEWAY_BIN ?? 'openvpp-gateway';
let api;
let provider;
const { alice, bob, charlie } = devKeyring();
const RUN = Date.now();
const UNITS = 10n ** 12n;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const FLEET = ['--devices', '3', '--kinds', 'ev,ev,battery', '--owner', '//Charlie',
  '--key-seed', `//e2e/v2g/${RUN}`, '--readings', '4'];

// Runs `simulate` without blocking the event loop (the API's connection stays alive).
function simulate(rounds) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['--url', WS, '--json', 'simulate', ...FLEET, '--rounds', String(rounds)]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out))
      : reject(new Error(`simulate exited ${code}: ${err || out}`))));
  });
}

before(async () => { ({ api, provider } = await connectWithProvider()); });
after(async () => { await api?.disconnect(); });

test('a simulated fleet follows a discharge event and is paid from the escrow', async () => {
  // The grid operator for region 1, through the dev chain's sudo (GridAdmin on real chains).
  await sendAndWait(api, api.tx.sudo.sudo(api.tx.v2g.addOperator(1, bob.address)), alice);

  // The fleet registers and reports (plugged in, charging or idle).
  const [ev1, ev2, battery] = (await simulate(2)).devices;

  const chainNow = (await api.query.timestamp.now()).toNumber();
  const start = chainNow + 75_000;
  const end = start + 120_000;
  const price = UNITS / 4n; // 0.25 VPP per kWh
  const budget = 50n * UNITS;
  const opened = await sendAndWait(api, api.tx.v2g.openEvent(
    1, 'Discharge', start, end, 25_000, price, 10, budget,
  ), bob);
  const eventId = findEvent(api, opened.events, 'v2g', 'EventOpened').event.data[0].toNumber();

  // 10 kW from each EV keeping 30 % for the driver, 4 kW from the battery.
  const commitments = new Map([[ev1, 10_000], [ev2, 10_000], [battery, 4_000]]);
  for (const [device, powerW] of commitments) {
    await sendAndWait(api, api.tx.v2g.enroll(eventId, device, powerW, 300_000, null), charlie);
  }
  // The event, its enrollments and the devices' profiles over JSON-RPC.
  const rpcEvent = await provider.send('openvpp_drEvent', [eventId]);
  assert.equal(rpcEvent.direction, 'discharge');
  assert.equal(rpcEvent.participants, 3);
  assert.equal(rpcEvent.budget, budget.toString());
  const page = await provider.send('openvpp_drEvents', [1, null, 100]);
  assert.ok(page.events.some((e) => e.id === eventId));
  const enrolled = await provider.send('openvpp_enrollment', [eventId, ev1]);
  assert.equal(enrolled.committedPowerW, 10_000);
  assert.equal(enrolled.socFloorPercent, 30);
  const evProfile = await provider.send('openvpp_evProfile', [ev1]);
  assert.equal(evProfile.capacityWh, 60_000);
  assert.equal(evProfile.history.activeEvent, eventId);
  const batteryProfile = await provider.send('openvpp_storageProfile', [battery]);
  assert.equal(batteryProfile.kind, 'battery');
  assert.equal(await provider.send('openvpp_evProfile', [battery]), null);
  // Aggregators read the event as OpenADR 3.
  const adr = await provider.send('openvpp_openAdrEvents', [1, null, 100]);
  assert.equal(adr.program.objectType, 'PROGRAM');
  const adrEvent = adr.events.find((e) => e.id === `openvpp-dr-event-${eventId}`);
  assert.equal(adrEvent.objectType, 'EVENT');
  assert.equal(adrEvent.intervalPeriod.duration, 'PT2M');
  assert.deepEqual(adrEvent.intervals[0].payloads[1], { type: 'DISPATCH_SETPOINT', values: [25] });

  // The simulator runs through the window (a round per block) and follows the dispatch.
  const rounds = Math.ceil((end + 15_000 - Date.now()) / 6_500);
  await simulate(rounds);
  while ((await api.query.timestamp.now()).toNumber() <= end) await sleep(3_000);

  let paidTotal = 0n;
  for (const [device, powerW] of commitments) {
    const r = await sendAndWait(api, api.tx.v2g.claimPayment(eventId, device), charlie);
    const data = findEvent(api, r.events, 'v2g', 'PaymentClaimed').event.data;
    const deliveredWh = data.deliveredWh.toNumber();
    const committedWh = data.committedWh.toNumber();
    assert.equal(committedWh, Math.floor((powerW * 120_000) / 3_600_000));
    const expected = (BigInt(Math.min(deliveredWh, committedWh)) * price) / 1_000n;
    assert.equal(data.amount.toBigInt(), expected, `device ${device}`);
    paidTotal += expected;
    const report = await provider.send('openvpp_openAdrReport', [eventId, device]);
    assert.equal(report.objectType, 'REPORT');
    assert.equal(report.openvpp.deliveredWh, deliveredWh);
    if (device !== battery) {
      assert.ok(deliveredWh >= committedWh * 0.8, `EV ${device} delivered ${deliveredWh} of ${committedWh} Wh`);
      const profile = (await api.call.v2gApi.evProfile(device)).unwrap().toJSON();
      assert.ok(profile.history.eventsJoined >= 1);
      assert.ok(profile.history.energyDeliveredWh > 0);
    }
  }
  // The escrow paid exactly what the claims paid.
  const event = (await api.call.v2gApi.event(eventId)).unwrap();
  assert.equal(event.paid.toBigInt(), paidTotal);
  // A second claim is refused.
  await assert.rejects(sendAndWait(api, api.tx.v2g.claimPayment(eventId, ev1), charlie), /v2g\.\w+/);
});
