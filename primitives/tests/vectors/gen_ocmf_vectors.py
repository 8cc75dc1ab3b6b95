#!/usr/bin/env python3
"""Generates OCMF test vectors for `openvpp-primitives` (`tests/ocmf.rs`), independently of the
Rust code: signatures by Python `cryptography` (OpenSSL), RFC 6979 deterministic, so running it
again reproduces `ocmf_vectors.json` byte for byte.

    python3 -m venv /tmp/ocmfvenv && /tmp/ocmfvenv/bin/pip install cryptography
    /tmp/ocmfvenv/bin/python primitives/tests/vectors/gen_ocmf_vectors.py \
        > primitives/tests/vectors/ocmf_vectors.json

The private keys are fixed test scalars: never use them for anything real.
"""

import base64
import datetime
import json
import platform
import sys
from decimal import ROUND_FLOOR, Decimal

import cryptography
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

# Curve orders.
N = {
    "secp256r1": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "secp256k1": 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
}

KEYS = {
    # name: (curve, private scalar)
    "p256": (ec.SECP256R1(), 0x4F3EDF982D1B7C4E9A6B1D0C2E8F7A3B5C6D7E8F9A0B1C2D3E4F5A6B7C8D9E0F),
    "p256_other": (ec.SECP256R1(), 0x1D2C3B4A59687766554433221100FFEEDDCCBBAA99887766554433221100AB),
    "secp256k1": (ec.SECP256K1(), 0x2C8A9F1E3D4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1),
}


def private_key(name):
    curve, scalar = KEYS[name]
    return ec.derive_private_key(scalar, curve)


def public_forms(name):
    pub = private_key(name).public_key()
    spki = pub.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    pem = pub.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    compressed = pub.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
    )
    uncompressed = pub.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {
        "curve": KEYS[name][0].name,
        "spki_der_hex": spki.hex(),
        "spki_der_base64": base64.b64encode(spki).decode(),
        "pem": pem,
        "sec1_compressed_hex": compressed.hex(),
        "sec1_uncompressed_hex": uncompressed.hex(),
        "xy_hex": uncompressed[1:].hex(),
    }


def sign(name, payload: bytes):
    """(r, s) of a deterministic ECDSA-SHA256 signature over the exact payload bytes."""
    der = private_key(name).sign(payload, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
    return decode_dss_signature(der)


def int32(x):
    return x.to_bytes(32, "big")


def fixed_width_der(r, s):
    """DER-like SEQUENCE whose INTEGERs are always 33 bytes (0x00 ‖ 32 bytes): not minimal."""
    body = b"".join(b"\x02\x21\x00" + int32(v) for v in (r, s))
    return b"\x30" + bytes([len(body)]) + body


TZ = datetime.timezone(datetime.timedelta(hours=2))  # CEST, as a German charger logs it


def tm(hh, mm, ss, flag="S", day=(2024, 5, 14)):
    t = datetime.datetime(*day, hh, mm, ss, tzinfo=TZ)
    text = t.strftime("%Y-%m-%dT%H:%M:%S,000%z") + " " + flag
    return text, int(t.timestamp()) * 1000


def wh(value: str, unit: str):
    scale = Decimal(1000) if unit == "kWh" else Decimal(1)
    return int((Decimal(value) * scale).to_integral_value(rounding=ROUND_FLOOR))


def payload_json(fields):
    # Compact JSON like meters emit; the payload bytes are what gets signed.
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False)


def rv(value: str):
    """A JSON number written exactly as `value` (json.dumps would reformat a float)."""
    return RawNumber(value)


class RawNumber(str):
    pass


def dumps_with_raw_numbers(obj):
    # Emit RawNumber verbatim as a JSON number.
    marker = "@@RAW@@"

    def conv(o):
        if isinstance(o, RawNumber):
            return marker + str(o) + marker
        if isinstance(o, dict):
            return {k: conv(v) for k, v in o.items()}
        if isinstance(o, list):
            return [conv(v) for v in o]
        return o

    text = payload_json(conv(obj))
    return text.replace('"' + marker, "").replace(marker + '"', "")


def ac_session():
    """A 7.4 kW AC charging session on a certified meter: B, C, T (tariff change), C, E.

    Only the first reading carries RI/RU/RT/EF/ST; the later ones inherit them, as the OCMF
    spec allows ("fields that have an identical value to the previous reading are omitted").
    """
    points = [
        ((18, 2, 11), "B", "1234.567"),
        ((18, 32, 11), "C", "1238.259"),
        ((19, 0, 0), "T", "1241.681"),
        ((19, 32, 11), "C", "1245.372"),
        ((19, 41, 27), "E", "1246.012"),
    ]
    rd = []
    expected = []
    prev = None
    for i, ((hh, mm, ss), tx, value) in enumerate(points):
        text, ms = tm(hh, mm, ss)
        entry = {"TM": text, "TX": tx, "RV": rv(value)}
        if i == 0:
            entry.update({"RI": "1-b:1.8.0", "RU": "kWh", "RT": "AC", "EF": "", "ST": "G"})
        rd.append(entry)
        e_in = wh(value, "kWh")
        state = "Idle" if prev is None or e_in == prev else "Charging"
        expected.append({"timestamp_ms": ms, "energy_in_wh": e_in, "energy_out_wh": 0, "state": state})
        prev = e_in
    payload = {
        "FV": "1.0",
        "GI": "OPENVPP ACW-22 Wallbox",
        "GS": "OVW2204001187",
        "GV": "2.4.1",
        "PG": "T1187",
        "MV": "Phoenix Contact",
        "MM": "EEM-350-D-MCB",
        "MS": "BQ27400330016",
        "MF": "1.0",
        "IS": True,
        "IL": "VERIFIED",
        "IF": ["RFID_PLAIN", "OCPP_RS_TLS"],
        "IT": "ISO14443",
        "ID": "1F2D3A4F5506C7",
        "CT": "EVSEID",
        "CI": "DE*OVP*E1187*1",
        "RD": rd,
    }
    return dumps_with_raw_numbers(payload), expected


def v2g_session():
    """A bidirectional DC charger (ISO 15118-20): import and export registers in Wh at each
    time, the export entry inheriting TM/TX from the import entry before it."""
    points = [
        ((21, 0, 0), "B", "8812440", "1503321"),
        ((21, 15, 0), "C", "8815190", "1503321"),  # charging 11 kW
        ((21, 30, 0), "C", "8815190", "1505821"),  # discharging 10 kW to the grid
        ((21, 45, 0), "E", "8815190", "1508321"),
    ]
    rd = []
    expected = []
    prev = None
    for i, ((hh, mm, ss), tx, imp, exp) in enumerate(points):
        text, ms = tm(hh, mm, ss, "S", day=(2024, 9, 2))
        first = {"TM": text, "TX": tx, "RV": imp, "RI": "1-0:1.8.0", "RU": "Wh"}
        if i == 0:
            first.update({"RT": "DC", "EF": "", "ST": "G"})
        rd.append(first)
        rd.append({"RV": exp, "RI": "1-0:2.8.0", "RU": "Wh"})
        e_in, e_out = int(imp), int(exp)
        if prev is None:
            state = "Idle"
        elif e_in > prev[0]:
            state = "Charging"
        elif e_out > prev[1]:
            state = "Discharging"
        else:
            state = "Idle"
        expected.append({"timestamp_ms": ms, "energy_in_wh": e_in, "energy_out_wh": e_out, "state": state})
        prev = (e_in, e_out)
    payload = {
        "FV": "1.0",
        "GI": "OPENVPP BDC-11 V2G",
        "GS": "OVB1100000042",
        "GV": "1.2.0",
        "PG": "T42",
        "MV": "LEM",
        "MM": "DCBM 400",
        "MS": "1211751603",
        "IS": True,
        "IL": "SECURE",
        "IF": ["ISO15118_PNC"],
        "IT": "ISO15118",
        "ID": "DEOVPC1234567",
        "RD": rd,
    }
    return payload_json(payload), expected


def record(payload: str, sig: dict):
    return "OCMF|" + payload + "|" + json.dumps(sig, separators=(",", ":"))


def main():
    records = []
    ac, ac_expected = ac_session()
    v2g, v2g_expected = v2g_session()
    ac_bytes = ac.encode()
    r, s = sign("p256", ac_bytes)
    n = N["secp256r1"]
    low_s = min(s, n - s)
    high_s = n - low_s
    sa = "ECDSA-secp256r1-SHA256"

    def add(name, key, payload, sig, expected, note):
        records.append(
            {"name": name, "key": key, "note": note, "record": record(payload, sig), "expected": expected}
        )

    add("p256_der_hex", "p256", ac, {"SA": sa, "SD": encode_dss_signature(r, s).hex()}, ac_expected,
        "DER, hex (the default encoding), as a certified meter emits it")
    add("p256_der_hex_upper", "p256", ac,
        {"SA": sa, "SE": "hex", "SM": "application/x-der", "SD": encode_dss_signature(r, s).hex().upper()},
        ac_expected, "DER, upper-case hex, every signature field explicit")
    add("p256_der_base64", "p256", ac,
        {"SA": sa, "SE": "base64", "SD": base64.b64encode(encode_dss_signature(r, s)).decode()},
        ac_expected, "DER, base64")
    add("p256_raw_rs_hex", "p256", ac, {"SA": sa, "SD": (int32(r) + int32(s)).hex()}, ac_expected,
        "bare 64-byte r||s instead of DER")
    add("p256_high_s", "p256", ac, {"SA": sa, "SD": encode_dss_signature(r, high_s).hex()}, ac_expected,
        "DER with s replaced by n - s (high S): an equally valid ECDSA signature")
    add("p256_low_s", "p256", ac, {"SA": sa, "SD": encode_dss_signature(r, low_s).hex()}, ac_expected,
        "DER with low S")
    add("p256_fixed_width_der", "p256", ac, {"SA": sa, "SD": fixed_width_der(r, s).hex()}, ac_expected,
        "DER-like, both INTEGERs 33 bytes with a 0x00 pad even where not needed (non-minimal)")
    add("p256_sa_omitted", "p256", ac, {"SD": encode_dss_signature(r, s).hex()}, ac_expected,
        "no SA: the default ECDSA-secp256r1-SHA256 applies")
    r2, s2 = sign("p256", v2g.encode())
    add("p256_v2g_import_export", "p256", v2g, {"SA": sa, "SD": encode_dss_signature(r2, s2).hex()},
        v2g_expected, "import and export registers in Wh, export entries inheriting TM/TX")
    ro, so = sign("p256_other", ac_bytes)
    add("p256_signed_by_other_key", "p256_other", ac, {"SA": sa, "SD": encode_dss_signature(ro, so).hex()},
        ac_expected, "the AC session signed by p256_other: verifies with p256_other only")

    sak = "ECDSA-secp256k1-SHA256"
    rk, sk = sign("secp256k1", ac_bytes)
    nk = N["secp256k1"]
    add("secp256k1_der_hex", "secp256k1", ac, {"SA": sak, "SD": encode_dss_signature(rk, sk).hex()},
        ac_expected, "secp256k1 (some DZG meters), DER hex")
    add("secp256k1_high_s", "secp256k1", ac,
        {"SA": sak, "SD": encode_dss_signature(rk, nk - min(sk, nk - sk)).hex()}, ac_expected,
        "secp256k1 with high S (k256 alone rejects it; OCMF verifiers accept it)")

    out = {
        "generator": "primitives/tests/vectors/gen_ocmf_vectors.py",
        "cryptography": cryptography.__version__,
        "python": platform.python_version(),
        "signing": "ECDSA-SHA256, RFC 6979 deterministic nonces (cryptography deterministic_signing=True)",
        "keys": {name: public_forms(name) for name in KEYS},
        # A curve the chain does not accept, for the `UnsupportedCurve` test.
        "p384_spki_der_hex": ec.derive_private_key(0x5EED, ec.SECP384R1())
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        .hex(),
        "records": records,
    }
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
