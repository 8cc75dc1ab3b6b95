// Offchain-worker feeds on the dev node: `openvpp-gateway feed serve` serves a fleet's signed
// readings (OpenVPP JSON and OCPP 2.0.1 MeterValues); the node, holding a gateway key, pulls
// them and submits them. A feed that returns junk and one that never answers are logged and
// skipped while the chain goes on.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { u8aToHex } from '@polkadot/util';
import { connectWithProvider, devKeyring, sendAndWait, serveFeed, waitFor } from '../lib/chain.js';

const NODE_BIN = process.env.OPENVPP_NODE_BIN ?? 'openvpp-node';
const NODE_LOG = process.env.OPENVPP_NODE_LOG;
const RUN = Date.now();
const children = [];
const servers = [];
const added = [];
let api;
let provider;

after(async () => {
  // Leave the node as it was, even if the test failed half way.
  for (const url of added) await provider?.send('openvpp_removeFeed', [url]).catch(() => {});
  for (const c of children) c.kill('SIGTERM');
  for (const s of servers) s.closeAllConnections?.(), s.close();
  await api?.disconnect();
});


function listen(handler) {
  const server = createServer(handler);
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    resolve(`http://127.0.0.1:${server.address().port}/feed`);
  }));
}

test('the offchain worker pulls OpenVPP and OCPP feeds and skips junk and silent ones', async () => {
  ({ api, provider } = await connectWithProvider());
  const { keyring, alice } = devKeyring();

  // The node's gateway key (type gtwy), funded to pay for its submissions.
  const gatewaySeed = '//e2e/feeds/gateway';
  const gateway = keyring.addFromUri(gatewaySeed);
  await provider.send('author_insertKey', ['gtwy', gatewaySeed, u8aToHex(gateway.publicKey)]);
  await sendAndWait(api, api.tx.balances.transferKeepAlive(gateway.address, 100n * 10n ** 12n), alice);

  const openvpp = await serveFeed(['--devices', '2', '--owner', '//Eve',
    '--key-seed', `//e2e/feeds/openvpp/${RUN}`, '--authorize', gateway.address, '--period-ms', '3000'], children);
  const ocpp = await serveFeed(['--devices', '2', '--owner', '//Eve', '--format', 'ocpp',
    '--key-seed', `//e2e/feeds/ocpp/${RUN}`, '--authorize', gateway.address, '--period-ms', '3000'], children);
  const junk = await listen((_req, res) => res.end('<html>502 Bad Gateway</html>'));
  const silent = await listen(() => { /* never answers */ });

  const startBlock = (await api.rpc.chain.getHeader()).number.toNumber();
  for (const url of [openvpp.url, ocpp.url, junk, silent]) {
    assert.equal(await provider.send('openvpp_addFeed', [url]), true);
    added.push(url);
  }
  assert.equal(await provider.send('openvpp_addFeed', [openvpp.url]), false, 'no duplicates');
  await assert.rejects(provider.send('openvpp_addFeed', ['ftp://example.org/feed']), /http/);

  // Every device of both feeds gets readings on chain through the worker.
  const devices = [...openvpp.devices, ...ocpp.devices];
  await waitFor('readings from every feed device', async () => {
    const states = await Promise.all(devices.map((d) => provider.send('openvpp_telemetryState', [d])));
    return states.every((s) => s && s.lastSeq >= 7);
  }, 150_000);

  // Each feed's record: what was submitted from it, and why the bad ones failed.
  const feeds = await waitFor('every feed to have been pulled', async () => {
    const list = await provider.send('openvpp_feeds', []);
    const st = (url) => list.find((f) => f.url === url)?.status;
    const ready = st(openvpp.url)?.submitted >= 4 && st(ocpp.url)?.submitted >= 4
      && st(junk)?.failures >= 1 && st(silent)?.failures >= 1;
    return ready ? list : null;
  }, 60_000);
  const status = (url) => feeds.find((f) => f.url === url).status;
  assert.match(status(junk).lastError, /not an OpenVPP or OCPP feed/);
  assert.match(status(silent).lastError, /no answer within/);

  // The chain keeps producing blocks with a silent feed configured, and the worker logged the
  // bad feeds.
  const endBlock = (await api.rpc.chain.getHeader()).number.toNumber();
  await waitFor('three more blocks', async () =>
    (await api.rpc.chain.getHeader()).number.toNumber() >= endBlock + 3, 40_000);
  assert.ok(endBlock > startBlock);
  if (NODE_LOG) {
    const log = readFileSync(NODE_LOG, 'utf8');
    assert.match(log, new RegExp(`feed ${junk} skipped: not an OpenVPP or OCPP feed`));
    assert.match(log, new RegExp(`feed ${silent} skipped: no answer within`));
  }

  // Each reading went on chain once: the worker never resubmitted a bundle.
  const quality = await api.call.telemetryApi.gatewayQuality(gateway.address);
  const q = quality.toJSON();
  assert.equal(q.unknownDevice + q.notAuthorized + q.badSignature + q.deviceFaults, 0,
    JSON.stringify(q));

  for (const url of [openvpp.url, ocpp.url, junk, silent]) {
    assert.equal(await provider.send('openvpp_removeFeed', [url]), true);
  }
  const left = (await provider.send('openvpp_feeds', [])).map((f) => f.url);
  for (const url of [openvpp.url, ocpp.url, junk, silent]) assert.ok(!left.includes(url));
});

test('the node refuses a feed URL it cannot pull, before starting', () => {
  const r = spawnSync(NODE_BIN, ['--dev', '--tmp', '--telemetry-feed', 'ftp://meters.example/feed'],
    { encoding: 'utf8', timeout: 60_000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--telemetry-feed ftp:\/\/meters.example\/feed: feed URL must start with http:\/\/ or https:\/\//);
});
