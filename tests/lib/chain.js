// Shared helpers of the end-to-end tests: connect to the node, sign and wait for inclusion.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export const WS = process.env.OPENVPP_WS ?? 'ws://127.0.0.1:9944';

// sr25519 needs the WASM crypto before any key is made, including at module load.
await cryptoWaitReady();

export async function connect() {
  return (await connectWithProvider()).api;
}

// The API and its WebSocket provider, for calling custom RPC methods directly.
export async function connectWithProvider() {
  const provider = new WsProvider(WS, 1000, {}, 60_000);
  const api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
  return { api, provider };
}

export function devKeyring() {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  return {
    keyring,
    alice: keyring.addFromUri('//Alice'),
    bob: keyring.addFromUri('//Bob'),
    charlie: keyring.addFromUri('//Charlie'),
    dave: keyring.addFromUri('//Dave'),
  };
}

// Signs and submits `tx`; resolves with { events, blockHash } once in a block, or rejects with
// the decoded module error.
export function sendAndWait(api, tx, signer, { nonce = -1 } = {}) {
  return new Promise((resolve, reject) => {
    let unsub = () => {};
    tx.signAndSend(signer, { nonce }, (result) => {
      const { status, events, dispatchError } = result;
      if (dispatchError) {
        unsub();
        if (dispatchError.isModule) {
          const d = api.registry.findMetaError(dispatchError.asModule);
          reject(new Error(`${d.section}.${d.name}`));
        } else {
          reject(new Error(dispatchError.toString()));
        }
        return;
      }
      if (status.isInBlock) {
        unsub();
        resolve({ events, blockHash: status.asInBlock });
      } else if (status.isDropped || status.isInvalid || status.isUsurped) {
        unsub();
        reject(new Error(`transaction ${status.type}`));
      }
    }).then((u) => { unsub = u; }, reject);
  });
}

export function findEvent(api, events, section, method) {
  return events.find(({ event }) => api.events[section]?.[method]?.is(event));
}

export async function waitForBlocks(api, n, { finalized = false } = {}) {
  const sub = finalized ? api.rpc.chain.subscribeFinalizedHeads : api.rpc.chain.subscribeNewHeads;
  return new Promise((resolve) => {
    let seen = 0;
    let first = null;
    sub((header) => {
      if (first === null) first = header.number.toNumber();
      if (header.number.toNumber() >= first + n) {
        seen = header.number.toNumber();
        resolve(seen);
      }
    });
  });
}

// Polls `check` every `everyMs` until it returns something truthy (returned), or throws after
// `timeoutMs`.
export async function waitFor(what, check, timeoutMs, everyMs = 2_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// Starts `openvpp-gateway feed serve` with `args`, adds the child to `children` (for the
// caller to stop), and resolves with its URL and device ids once it listens.
export function serveFeed(args, children) {
  const bin = process.env.OPENVPP_GATEWAY_BIN ?? 'openvpp-gateway';
  const child = spawn(bin, ['--url', WS, '--json', 'feed', 'serve', '--listen', '127.0.0.1:0', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      const info = JSON.parse(line);
      resolve({ url: info.listening, devices: info.devices });
    });
    child.once('exit', (code) => reject(new Error(`feed serve exited ${code}: ${stderr}`)));
  });
}
