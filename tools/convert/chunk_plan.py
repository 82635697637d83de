#!/usr/bin/env python3
"""Where each ONNX initializer goes when a model's weights are split into external-data chunks.

Pure Python (no numpy, onnx or torch), so the rule can be tested on any machine:

    python3 tools/convert/chunk_plan.py --selftest
    echo '{"model_file": "model_q4.onnx", "limit": 100, "tensors": [["a", 60], ["b", 60]]}' \
        | python3 tools/convert/chunk_plan.py --plan

Why chunks: the browser reads every model file (and every external-data file) into one ArrayBuffer,
and a single ArrayBuffer tops out around 2 GB, so no file may reach 2 GB. A 7B model in 4 bits is
about 4 GB of weights, hence several files.

The names and the config.json declaration follow transformers.js 4.3.1 exactly
(node_modules/@huggingface/transformers/src/utils/model-loader.js):

- ``getExternalDataChunkNames(fullName, n)``: ``{fullName}_data`` for the first chunk, then
  ``{fullName}_data_1`` ... ``{fullName}_data_{n-1}``; ``fullName`` is e.g. ``model_q4.onnx``.
- ``resolveExternalDataFormat(config, fullName, fileName)``: ``config`` is
  ``config.json["transformers.js_config"]["use_external_data_format"]``; an object is looked up by the
  full file name (``model_q4.onnx``) first, then by the base name (``model``); the value is the chunk
  count (``true`` = 1). At most 100 chunks (MAX_EXTERNAL_DATA_CHUNKS).
- In the browser each chunk is handed to onnxruntime-web as ``{path: "model_q4.onnx_data_1", data}``
  and matched against the ``location`` written in the .onnx file, so ``location`` must be the bare
  file name (no folder). In Node the files are read from disk next to the .onnx file: same names.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

#: No file may reach this size (one ArrayBuffer per file in the browser).
MAX_FILE_BYTES = 2_000_000_000
#: Default chunk size: under the cap with room to spare.
DEFAULT_CHUNK_BYTES = 1_800_000_000
#: transformers.js refuses more chunks than this (MAX_EXTERNAL_DATA_CHUNKS).
MAX_CHUNKS = 100
#: Tensors at least this large start at a multiple of LARGE_ALIGNMENT (lets runtimes map them).
LARGE_TENSOR_BYTES = 1 << 20
LARGE_ALIGNMENT = 1 << 16
SMALL_ALIGNMENT = 16


@dataclass(frozen=True)
class Placement:
    """One tensor's bytes: chunk index, byte offset in that chunk file, length."""

    name: str
    chunk: int
    offset: int
    length: int


def chunk_file_names(model_file: str, count: int) -> List[str]:
    """The external-data file names transformers.js asks for, for ``model_file`` (e.g. model_q4.onnx)."""
    if "/" in model_file or "\\" in model_file:
        raise ValueError(f"model_file must be a bare file name, got {model_file!r}")
    return [f"{model_file}_data" if i == 0 else f"{model_file}_data_{i}" for i in range(count)]


def alignment_for(length: int) -> int:
    return LARGE_ALIGNMENT if length >= LARGE_TENSOR_BYTES else SMALL_ALIGNMENT


def _align(offset: int, alignment: int) -> int:
    return (offset + alignment - 1) // alignment * alignment


def plan_chunks(tensors: Sequence[Tuple[str, int]], limit: int = DEFAULT_CHUNK_BYTES) -> List[Placement]:
    """Places tensors, in the given order, into as few chunk files as fit under ``limit`` bytes each.

    Greedy in order (the graph's initializer order keeps a layer's weights together). A tensor never
    spans two files; one larger than ``limit`` is an error (it could not be loaded either).
    """
    if limit <= 0 or limit > MAX_FILE_BYTES:
        raise ValueError(f"limit must be in 1..{MAX_FILE_BYTES} bytes, got {limit}")
    placements: List[Placement] = []
    chunk = 0
    end = 0  # bytes used in the current chunk
    for name, length in tensors:
        if length < 0:
            raise ValueError(f"tensor {name!r} has a negative size")
        if length > limit:
            raise ValueError(
                f"tensor {name!r} is {length} bytes, more than the chunk limit {limit}: it cannot be split"
            )
        offset = _align(end, alignment_for(length)) if end > 0 else 0
        if end > 0 and offset + length > limit:
            chunk += 1
            offset = 0
        placements.append(Placement(name, chunk, offset, length))
        end = offset + length
    if chunk + 1 > MAX_CHUNKS:
        raise ValueError(f"{chunk + 1} chunks: transformers.js accepts at most {MAX_CHUNKS}; raise the limit")
    return placements


def chunk_count(placements: Sequence[Placement]) -> int:
    return 0 if not placements else max(p.chunk for p in placements) + 1


def chunk_sizes(placements: Sequence[Placement]) -> List[int]:
    """The size of each chunk file (end of its last tensor)."""
    sizes = [0] * chunk_count(placements)
    for p in placements:
        sizes[p.chunk] = max(sizes[p.chunk], p.offset + p.length)
    return sizes


def transformers_js_config(chunk_counts: Dict[str, int]) -> Dict[str, object]:
    """The ``transformers.js_config`` block of config.json for files like {"model_q4.onnx": 3}."""
    declared = {name: count for name, count in sorted(chunk_counts.items()) if count > 0}
    for name in declared:
        if not name.endswith(".onnx") or "/" in name:
            raise ValueError(f"keys are bare .onnx file names, got {name!r}")
    return {"use_external_data_format": declared} if declared else {}


def selftest() -> None:
    assert chunk_file_names("model_q4.onnx", 3) == [
        "model_q4.onnx_data",
        "model_q4.onnx_data_1",
        "model_q4.onnx_data_2",
    ]
    assert chunk_file_names("model_q4f16.onnx", 0) == []
    # Fills a chunk, then opens the next; small tensors are 16-byte aligned.
    plan = plan_chunks([("a", 60), ("b", 30), ("c", 20)], limit=100)
    assert [(p.chunk, p.offset) for p in plan] == [(0, 0), (0, 64), (1, 0)], plan
    assert chunk_sizes(plan) == [94, 20]
    # Large tensors start on 64 KiB boundaries, and padding counts against the limit.
    mib = 1 << 20
    plan = plan_chunks([("s", 10), ("big", mib), ("big2", mib)], limit=2 * mib + LARGE_ALIGNMENT - 1)
    assert [(p.chunk, p.offset) for p in plan] == [(0, 0), (0, LARGE_ALIGNMENT), (1, 0)], plan
    # Never more than the limit in one file.
    sizes = [(f"t{i}", (i * 7919) % 5000 + 1) for i in range(500)]
    plan = plan_chunks(sizes, limit=20_000)
    assert all(s <= 20_000 for s in chunk_sizes(plan))
    assert [p.name for p in plan] == [n for n, _ in sizes]
    # A tensor larger than the limit is refused, as is a limit at or above the 2 GB cap.
    for bad in (lambda: plan_chunks([("x", 101)], 100), lambda: plan_chunks([], MAX_FILE_BYTES + 1)):
        try:
            bad()
        except ValueError:
            pass
        else:
            raise AssertionError("expected ValueError")
    # LLaMA-7B in q4 with block 32 and fp32 scales: about 4.65 GB -> 3 chunks of at most 1.8 GB.
    layer = [("q", 4096 * 4096 // 2), ("qs", 4096 * 4096 // 8)] * 4 + [("m", 4096 * 11008 // 2), ("ms", 4096 * 11008 // 8)] * 3
    seven_b = [("embed", 32000 * 4096 * 4)] + layer * 32 + [("lm_head", 32000 * 4096 // 2), ("lm_head_s", 32000 * 4096 // 8)]
    plan = plan_chunks(seven_b)
    assert chunk_count(plan) == 3 and all(s < MAX_FILE_BYTES for s in chunk_sizes(plan)), chunk_sizes(plan)
    assert transformers_js_config({"model_q4.onnx": 3, "model_q4f16.onnx": 0}) == {
        "use_external_data_format": {"model_q4.onnx": 3}
    }
    assert transformers_js_config({}) == {}


def _main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--selftest", action="store_true", help="run the built-in checks")
    group.add_argument(
        "--plan",
        action="store_true",
        help='read {"model_file", "limit", "tensors": [[name, bytes], ...]} as JSON on stdin, print the plan',
    )
    args = parser.parse_args(argv)
    if args.selftest:
        selftest()
        print("chunk_plan selftest: ok")
        return 0
    request = json.load(sys.stdin)
    model_file = str(request["model_file"])
    plan = plan_chunks([(str(n), int(s)) for n, s in request["tensors"]], int(request.get("limit", DEFAULT_CHUNK_BYTES)))
    count = chunk_count(plan)
    json.dump(
        {
            "files": chunk_file_names(model_file, count),
            "chunk_sizes": chunk_sizes(plan),
            "placements": [p.__dict__ for p in plan],
            "transformers.js_config": transformers_js_config({model_file: count}),
        },
        sys.stdout,
    )
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
