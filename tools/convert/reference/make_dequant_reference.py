"""Reference data for the TypeScript GGUF dequantizer (tools/convert/gguf/dequantize.ts).

Writes random blocks of each ggml type and what gguf-py (llama.cpp's own Python package, pinned in
requirements-dequant.txt) dequantizes them to, into test/fixtures/reference/ggml-dequant/:
  <TYPE>.in.bin   the raw GGUF bytes (whole blocks)
  <TYPE>.out.bin  gguf.quants.dequantize's float32 values, little-endian
  index.json      type names, ids, element counts, file names, the gguf version
The TypeScript test reads only these files, so CI needs no Python.

Quantised bytes are uniform random except the fp16 scale fields (d, dmin, m), which are replaced by
finite values of both signs over a wide range of magnitudes, including zero and fp16 subnormals.

  python3 -m venv /work/venv-gguf && /work/venv-gguf/bin/pip install -r tools/convert/reference/requirements-dequant.txt
  /work/venv-gguf/bin/python tools/convert/reference/make_dequant_reference.py
"""

import json
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf.constants import GGML_QUANT_SIZES
from gguf.quants import dequantize

OUT = Path(__file__).resolve().parents[3] / "test" / "fixtures" / "reference" / "ggml-dequant"
SEED = 20240607

# Byte offsets of the fp16 scale fields inside one block.
FP16_FIELDS = {
    T.Q4_0: [0],
    T.Q4_1: [0, 2],
    T.Q5_0: [0],
    T.Q5_1: [0, 2],
    T.Q8_0: [0],
    T.Q2_K: [80, 82],
    T.Q3_K: [108],
    T.Q4_K: [0, 2],
    T.Q5_K: [0, 2],
    T.Q6_K: [208],
}


def sane_fp16(rng: np.random.Generator, n: int) -> np.ndarray:
    """n finite fp16 scales: mostly 2^-14..2^2 of either sign, some zero and subnormal."""
    mag = np.exp2(rng.uniform(-14.0, 2.0, n))
    sign = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    values = (mag * sign).astype(np.float16)
    special = rng.random(n)
    values[special < 0.05] = np.float16(0.0)
    sub = (special >= 0.05) & (special < 0.10)
    values[sub] = (rng.integers(1, 1024, int(sub.sum())) * 2.0**-24).astype(np.float16)
    assert np.all(np.isfinite(values))
    return values


def quantized_blocks(rng: np.random.Generator, qtype: T, n_blocks: int) -> np.ndarray:
    _, type_size = GGML_QUANT_SIZES[qtype]
    blocks = rng.integers(0, 256, (n_blocks, type_size), dtype=np.uint8)
    for offset in FP16_FIELDS[qtype]:
        blocks[:, offset : offset + 2] = sane_fp16(rng, n_blocks).view(np.uint8).reshape(n_blocks, 2)
    return blocks.reshape(-1)


def float_data(rng: np.random.Generator, qtype: T, n: int) -> np.ndarray:
    if qtype == T.F32:
        values = (rng.standard_normal(n) * np.exp2(rng.uniform(-20, 20, n))).astype(np.float32)
        values[:4] = [0.0, -0.0, np.inf, -np.inf]
        return values.view(np.uint8)
    bits = rng.integers(0, 65536, n, dtype=np.uint16)
    # No NaNs (their payloads are not part of the contract): exponent all ones only for Infinity.
    exp_mask, mant_mask = (0x7C00, 0x03FF) if qtype == T.F16 else (0x7F80, 0x007F)
    nan = ((bits & exp_mask) == exp_mask) & ((bits & mant_mask) != 0)
    bits[nan] &= ~np.uint16(mant_mask)
    bits[:4] = [0x0000, 0x8000, 0x0001, 0x8001]  # +-0, smallest subnormals
    return bits.view(np.uint8)


def main() -> None:
    rng = np.random.default_rng(SEED)
    OUT.mkdir(parents=True, exist_ok=True)
    entries = []
    cases = [(T.F32, 256), (T.F16, 512), (T.BF16, 512)]
    cases += [(t, 24 if GGML_QUANT_SIZES[t][0] == 32 else 6) for t in FP16_FIELDS]
    for qtype, count in cases:
        if qtype in FP16_FIELDS:
            raw = quantized_blocks(rng, qtype, count)
            elements = count * GGML_QUANT_SIZES[qtype][0]
        else:
            raw = float_data(rng, qtype, count)
            elements = count
        values = np.asarray(dequantize(raw, qtype), dtype=np.float32).reshape(-1)
        assert values.size == elements, (qtype.name, values.size, elements)
        (OUT / f"{qtype.name}.in.bin").write_bytes(raw.tobytes())
        (OUT / f"{qtype.name}.out.bin").write_bytes(values.astype("<f4").tobytes())
        entries.append(
            {
                "type": qtype.name,
                "typeId": int(qtype),
                "elements": elements,
                "input": f"{qtype.name}.in.bin",
                "output": f"{qtype.name}.out.bin",
            }
        )
    index = {
        "generator": "tools/convert/reference/make_dequant_reference.py",
        "gguf": version("gguf"),
        "numpy": version("numpy"),
        "seed": SEED,
        "entries": entries,
    }
    (OUT / "index.json").write_text(json.dumps(index, indent=2) + "\n")
    print(f"wrote {len(entries)} types to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
