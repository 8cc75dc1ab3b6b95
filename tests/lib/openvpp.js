// OpenVPP's signing payloads, written independently of the Rust code from the documented
// SCALE layout, so the end-to-end tests prove that an outside client can produce what the
// chain verifies.
import { blake2AsU8a } from '@polkadot/util-crypto';
import { bnToU8a, compactToU8a, stringToU8a, u8aConcat, hexToU8a } from '@polkadot/util';

const tag = (s) => {
  const bytes = stringToU8a(s);
  if (bytes.length > 20) throw new Error('domain tag too long');
  const out = new Uint8Array(20);
  out.set(bytes);
  return out;
};

export const REGISTER_DOMAIN = tag('openvpp/register/v1');
export const ROTATE_DOMAIN = tag('openvpp/rotatekey/v1');
export const BUNDLE_DOMAIN = tag('openvpp/telemetry/v1');

const u32 = (v) => bnToU8a(v, { bitLength: 32, isLe: true });
const u64 = (v) => bnToU8a(v, { bitLength: 64, isLe: true });
const u16 = (v) => bnToU8a(v, { bitLength: 16, isLe: true });

export const STATES = ['Idle', 'Charging', 'Discharging', 'Generating', 'Offline'];

// Message a device key signs so that `ownerPublic` (32 bytes) may register it.
export function possessionMessage(genesisHash, ownerPublic, nonce, domain = REGISTER_DOMAIN) {
  return blake2AsU8a(u8aConcat(domain, hexToU8a(genesisHash.toHex ? genesisHash.toHex() : genesisHash), ownerPublic, u32(nonce)), 256);
}

// Absolute readings -> wire format (first absolute, then deltas).
export function packReadings(readings) {
  return readings.map((r, i) => {
    const p = i === 0 ? { timeMs: r.timestampMs, energyInWh: r.energyInWh, energyOutWh: r.energyOutWh }
      : {
        timeMs: r.timestampMs - readings[i - 1].timestampMs,
        energyInWh: r.energyInWh - readings[i - 1].energyInWh,
        energyOutWh: r.energyOutWh - readings[i - 1].energyOutWh,
      };
    return { ...p, socBp: r.socBp ?? null, state: r.state };
  });
}

function encodePacked(p) {
  const soc = p.socBp === null || p.socBp === undefined ? new Uint8Array([0]) : u8aConcat(new Uint8Array([1]), u16(p.socBp));
  const state = STATES.indexOf(p.state);
  if (state < 0) throw new Error(`unknown state ${p.state}`);
  return u8aConcat(compactToU8a(p.timeMs), compactToU8a(p.energyInWh), compactToU8a(p.energyOutWh), soc, new Uint8Array([state]));
}

export function bundleMessage(genesisHash, device, firstSeq, packed) {
  const readings = u8aConcat(compactToU8a(packed.length), ...packed.map(encodePacked));
  const payload = u8aConcat(BUNDLE_DOMAIN, hexToU8a(genesisHash.toHex ? genesisHash.toHex() : genesisHash), u64(device), u64(firstSeq), readings);
  return blake2AsU8a(payload, 256);
}

// A signed bundle as the `telemetry.submit` call takes it.
export function signBundle(pair, genesisHash, device, firstSeq, readings) {
  const packed = packReadings(readings);
  const signature = pair.sign(bundleMessage(genesisHash, device, firstSeq, packed));
  return { device, firstSeq, readings: packed, signature: { Sr25519: signature } };
}

export const CERTIFICATE_DOMAIN = tag('openvpp/devicecert/1');

// Message a manufacturer's root key signs for a device certificate body (SCALE of
// (domain, body) hashed with blake2-256). `deviceKey` is an sr25519 public key here.
export function certificateMessage({
  manufacturer, model, serialHash, devicePublicKey, nameplate, validFromMs, validUntilMs, ownerPublic,
}) {
  const owner = ownerPublic ? u8aConcat(new Uint8Array([1]), ownerPublic) : new Uint8Array([0]);
  return blake2AsU8a(u8aConcat(
    CERTIFICATE_DOMAIN,
    u32(manufacturer), u32(model), hexToU8a(serialHash),
    new Uint8Array([1]), devicePublicKey,
    u64(nameplate.capacityWh), u32(nameplate.maxImportW), u32(nameplate.maxExportW),
    u64(validFromMs), u64(validUntilMs), owner,
  ), 256);
}
