// The gateway CLI against the dev node: a simulated fleet registers and submits signed
// readings; status reads them back; bad input and an unreachable node fail clearly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { WS } from '../lib/chain.js';

const BIN = process.env.OPENVPP_GATEWAY_BIN ?? 'openvpp-gateway';

function gateway(args, { url = WS } = {}) {
  const r = spawnSync(BIN, ['--url', url, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('keys generate prints a usable key pair', () => {
  const r = gateway(['--json', 'keys', 'generate', '--scheme', 'ed25519']);
  assert.equal(r.code, 0, r.err);
  const k = JSON.parse(r.out);
  assert.equal(k.scheme, 'ed25519');
  assert.match(k.publicKey, /^0x[0-9a-f]{64}$/);
});

test('a simulated fleet registers and its signed readings land on chain', () => {
  // The fleet's keys are fixed, so a re-run on the same chain continues where it stopped.
  const before = gateway(['--json', 'status', '--owner', '//Ferdie']);
  assert.equal(before.code, 0, before.err);
  const had = new Map(JSON.parse(before.out).map((row) => [row.device, row.readings ?? 0]));
  const r = gateway(['--json', 'simulate', '--devices', '4', '--owner', '//Ferdie',
    '--key-seed', '//e2e/gateway/fleet', '--rounds', '2', '--readings', '4']);
  assert.equal(r.code, 0, r.err || r.out);
  const summary = JSON.parse(r.out);
  assert.equal(summary.devices.length, 4);
  assert.equal(summary.readingsSubmitted, 32);

  // Give the last round a block to land.
  spawnSync('sleep', ['7']);
  const s = gateway(['--json', 'status', '--owner', '//Ferdie']);
  assert.equal(s.code, 0, s.err);
  const rows = JSON.parse(s.out);
  assert.equal(rows.length, 4);
  for (const row of rows) {
    assert.equal(row.status, 'Active');
    const expected = (had.get(row.device) ?? 0) + 8;
    assert.equal(row.readings, expected, `device ${row.device} has ${row.readings} readings`);
  }
});

test('an unreachable node gives a clear message and a non-zero exit', () => {
  const r = gateway(['status'], { url: 'ws://127.0.0.1:1' });
  assert.notEqual(r.code, 0);
  assert.match(r.err, /cannot reach an OpenVPP node/);
});

test('bad arguments are refused with a non-zero exit', () => {
  const r = gateway(['device', 'register', '--device-key', '//x', '--kind', 'toaster',
    '--max-import-w', '1', '--max-export-w', '1']);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /invalid value 'toaster'/);
  const bad = gateway(['device', 'register', '--device-key', '//x', '--kind', 'smart-meter',
    '--capacity-wh', '5000', '--max-import-w', '14500', '--max-export-w', '0']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /implausible/);
  const tooMany = gateway(['simulate', '--readings', '500']);
  assert.notEqual(tooMany.code, 0);
  assert.match(tooMany.err, /--readings must be between 1 and 96/);
  const busy = gateway(['feed', 'serve', '--listen', 'not-an-address']);
  assert.notEqual(busy.code, 0);
  assert.match(busy.err, /cannot listen on not-an-address/);
  const badFormat = gateway(['feed', 'serve', '--format', 'csv']);
  assert.notEqual(badFormat.code, 0);
  assert.match(badFormat.err, /invalid value 'csv'/);
});
