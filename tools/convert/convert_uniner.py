#!/usr/bin/env python3
"""Convert a LLaMA-family checkpoint (UniNER) into a folder transformers.js 4.3.1 loads in the browser.

    python tools/convert/convert_uniner.py Universal-NER/UniNER-7B-type --out out/uniner-7b-type

Output (the transformers.js layout):

    config.json              the model config + "transformers.js_config": {"use_external_data_format": {...}}
    generation_config.json   greedy, eos 2, max_new_tokens 256
    tokenizer.json           fast tokenizer converted from UniNER's SentencePiece model (</s> special)
    tokenizer_config.json, special_tokens_map.json
    onnx/model_q4.onnx       fp32 activations, MatMulNBits 4-bit (block 32, symmetric, fp32 scales)
    onnx/model_q4.onnx_data, onnx/model_q4.onnx_data_1, ...        external data, each file < 2 GB
    onnx/model_q4f16.onnx    fp16 activations/KV cache/other weights, MatMulNBits 4-bit (fp16 scales)
    onnx/model_q4f16.onnx_data, ...
    reference.json           prompt ids and greedy ids from PyTorch and onnxruntime (for tests)

I/O of each graph (as optimum names it; what transformers.js feeds):
    input_ids [batch_size, sequence_length] int64, attention_mask [batch_size, total_sequence_length]
    int64, position_ids [batch_size, sequence_length] int64,
    past_key_values.{i}.key|value [batch_size, kv_heads, past_sequence_length, head_dim]
    -> logits [batch_size, sequence_length, vocab] float32,
       present.{i}.key|value [batch_size, kv_heads, total_sequence_length, head_dim]
Heads and head size are fixed numbers: transformers.js builds the empty first cache from them.

Modes without a download: --random-tiny (tiny random LLaMA, seconds; used by the tests) and
--shape-7b-random (random weights in the LLaMA-7B shape: time, peak memory, file sizes).

Quantized: every MatMul with a constant weight, i.e. the attention and MLP projections and lm_head.
Not quantized: the token embedding (a Gather: fp32 in q4, fp16 in q4f16) and the RMSNorm weights.

Needs: torch, transformers, onnx, onnxruntime (see requirements.txt). Memory for 7B (estimates):
q4 exports in fp32 (~27 GB of weights; the TorchScript exporter holds a second copy: ~60 GB RAM
peak on CPU, plus ~30 GB of temporary disk), q4f16 exports in fp16 (about half). --device cuda keeps
the PyTorch copy on the GPU.
"""
from __future__ import annotations

import argparse
import gc
import inspect
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
import chunk_plan  # noqa: E402  (pure Python, next to this file)

#: The official UniNER prompt (one line; BOS added by the tokenizer; see DESIGN.md).
UNINER_PROMPT = (
    "A virtual assistant answers questions from a user based on the provided text. USER: Text: {passage} "
    "ASSISTANT: I've read this text.</s>USER: What describes {entity_type} in the text? ASSISTANT:"
)
CHECK_CASES: List[Tuple[str, str]] = [
    ("Barack Obama was born in Hawaii and served as the 44th president of the United States.", "person"),
    ("Barack Obama was born in Hawaii and served as the 44th president of the United States.", "location"),
    ("The patient was given 40 mg of atorvastatin for hypercholesterolemia at Mayo Clinic.", "medical condition"),
]
BOS_ID, EOS_ID = 1, 2
MAX_NEW_TOKENS = 256
BLOCK_SIZE = 32
DTYPES = ("q4", "q4f16")
TINY_TOKENIZER_DEFAULT = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "models" / "tiny-llama"


def log(message: str) -> None:
    print(f"[convert {time.strftime('%H:%M:%S')}] {message}", flush=True)


def peak_rss_gb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9


# ---------------------------------------------------------------------------------------------------
# Arguments


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("source", nargs="?", help="local folder or Hub id (Universal-NER/UniNER-7B-type, ...)")
    src.add_argument("--random-tiny", action="store_true", help="tiny random LlamaForCausalLM, no download")
    src.add_argument("--shape-7b-random", action="store_true", help="random weights in the LLaMA-7B shape")
    p.add_argument("--out", required=True, type=Path, help="output folder (created)")
    p.add_argument("--dtypes", default="q4,q4f16", help="comma-separated subset of q4,q4f16 (default both)")
    p.add_argument("--device", default="cpu", help="torch device for loading and export: cpu or cuda")
    p.add_argument(
        "--tokenizer",
        default=None,
        help="tokenizer folder/Hub id (default: the source; for the random modes the test fixture "
        f"tokenizer {TINY_TOKENIZER_DEFAULT}, made by `npm run fixtures`)",
    )
    p.add_argument("--chunk-bytes", type=int, default=chunk_plan.DEFAULT_CHUNK_BYTES, help="max bytes per external-data file")
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--skip-check", action="store_true", help="skip the PyTorch vs onnxruntime comparison")
    p.add_argument("--check-new-tokens", type=int, default=32, help="greedy tokens compared in the check")
    p.add_argument("--hub-repo", default="<user>/<repo>", help="only used in the printed upload command")
    p.add_argument("--keep-temp", action="store_true", help="keep the unquantized export (debugging)")
    args = p.parse_args(argv)
    args.dtypes = [d.strip() for d in args.dtypes.split(",") if d.strip()]
    for d in args.dtypes:
        if d not in DTYPES:
            p.error(f"unknown dtype {d!r}; use q4 and/or q4f16")
    if not 0 < args.chunk_bytes <= chunk_plan.MAX_FILE_BYTES:
        p.error(f"--chunk-bytes must be at most {chunk_plan.MAX_FILE_BYTES}")
    return args


# ---------------------------------------------------------------------------------------------------
# Model and tokenizer


def tiny_config() -> Any:
    from transformers import LlamaConfig

    return LlamaConfig(
        vocab_size=32000,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        rms_norm_eps=1e-6,
        rope_theta=10000.0,
        bos_token_id=BOS_ID,
        eos_token_id=EOS_ID,
        tie_word_embeddings=False,
        # Wider than the default 0.02 so the top logits of a random model are not near-ties.
        initializer_range=0.05,
    )


def llama_7b_config() -> Any:
    from transformers import LlamaConfig

    # LLaMA-1 7B, the base of UniNER-7B: 6.74B parameters, untied lm_head, context 2048.
    return LlamaConfig(
        vocab_size=32000,
        hidden_size=4096,
        intermediate_size=11008,
        num_hidden_layers=32,
        num_attention_heads=32,
        num_key_value_heads=32,
        max_position_embeddings=2048,
        rms_norm_eps=1e-6,
        bos_token_id=BOS_ID,
        eos_token_id=EOS_ID,
        tie_word_embeddings=False,
    )


def load_model(args: argparse.Namespace, torch_dtype: Any, device: str) -> Any:
    """The PyTorch model in `torch_dtype`, eager attention (the math the exported graph uses)."""
    import torch
    from transformers import LlamaForCausalLM

    if args.random_tiny or args.shape_7b_random:
        config = tiny_config() if args.random_tiny else llama_7b_config()
        config._attn_implementation = "eager"
        torch.manual_seed(args.seed)  # the same random weights every time this runs
        # Initialised in fp32 whatever the target dtype, so q4 and q4f16 get the same weights
        # (`.to` converts one parameter at a time).
        with torch.device(device):
            model = LlamaForCausalLM(config)
        model = model.to(torch_dtype)
    else:
        model = LlamaForCausalLM.from_pretrained(
            args.source,
            torch_dtype=torch_dtype,
            attn_implementation="eager",
            low_cpu_mem_usage=True,
        ).to(device)
    model.eval()
    return model


def load_tokenizer(args: argparse.Namespace) -> Any:
    """A fast LLaMA tokenizer (UniNER ships SentencePiece only: converted here; legacy behaviour)."""
    from transformers import LlamaTokenizerFast

    where = args.tokenizer
    if where is None:
        where = str(TINY_TOKENIZER_DEFAULT) if (args.random_tiny or args.shape_7b_random) else args.source
    if (args.random_tiny or args.shape_7b_random) and not Path(where).exists() and args.tokenizer is None:
        raise SystemExit(
            f"No tokenizer at {where}: run `npm run fixtures` first (it writes the LLaMA 32k tokenizer), "
            "or pass --tokenizer <folder or Hub id>."
        )
    # legacy=True: the behaviour UniNER was trained and evaluated with (and what transformers.js does
    # with a legacy tokenizer.json); `</s>` in the prompt text becomes the special token 2.
    tokenizer = LlamaTokenizerFast.from_pretrained(where, legacy=True)
    return tokenizer


def check_tokenizer(tokenizer: Any, source: Optional[str]) -> Dict[str, Any]:
    prompt = UNINER_PROMPT.format(passage=CHECK_CASES[0][0], entity_type=CHECK_CASES[0][1])
    ids = tokenizer(prompt)["input_ids"]
    if ids[0] != BOS_ID or EOS_ID not in ids:
        raise SystemExit(f"tokenizer check failed: expected BOS first and </s> (2) in the prompt, got {ids[:8]}...")
    result: Dict[str, Any] = {"bos_first": True, "eos_in_prompt": True}
    if source is not None:
        # Compare with the slow SentencePiece tokenizer the checkpoint ships, when it can be built.
        try:
            from transformers import LlamaTokenizer

            slow = LlamaTokenizer.from_pretrained(source, legacy=True)
            same = all(
                slow(UNINER_PROMPT.format(passage=p, entity_type=t))["input_ids"]
                == tokenizer(UNINER_PROMPT.format(passage=p, entity_type=t))["input_ids"]
                for p, t in CHECK_CASES
            )
            result["matches_slow_tokenizer"] = same
            log(f"fast tokenizer == slow SentencePiece tokenizer on the check prompts: {same}")
            if not same:
                raise SystemExit("the converted fast tokenizer disagrees with the slow one on the UniNER prompt")
        except Exception as error:  # noqa: BLE001 - no sentencepiece / no tokenizer.model: nothing to compare
            log(f"slow tokenizer not available for comparison ({error}); skipped")
    return result


def write_tokenizer(tokenizer: Any, out: Path) -> None:
    tokenizer.save_pretrained(str(out))
    data = json.loads((out / "tokenizer.json").read_text(encoding="utf-8"))
    special = {t["content"]: t for t in data.get("added_tokens", []) if t.get("special")}
    if special.get("</s>", {}).get("id") != EOS_ID or special.get("<s>", {}).get("id") != BOS_ID:
        raise SystemExit("tokenizer.json must declare <s> (1) and </s> (2) as special added tokens")


# ---------------------------------------------------------------------------------------------------
# Export


def causal_mask_4d(attention_mask: Any, query_length: Any, dtype: Any) -> Any:
    """Additive mask [batch, 1, query, total]: causal over absolute positions and the padding mask.

    Built here instead of by transformers so the traced graph does not depend on the version's mask
    helpers (a 4D mask is passed through unchanged by LlamaModel)."""
    import torch

    total = attention_mask.shape[1]
    past = total - query_length
    key_pos = torch.arange(total, device=attention_mask.device)
    query_pos = torch.arange(query_length, device=attention_mask.device) + past
    causal = key_pos[None, :] <= query_pos[:, None]
    allowed = causal[None, None, :, :] & attention_mask[:, None, None, :].bool()
    zero = torch.zeros((), dtype=dtype, device=attention_mask.device)
    blocked = torch.full((), torch.finfo(dtype).min, dtype=dtype, device=attention_mask.device)
    return torch.where(allowed, zero, blocked)


def make_wrapper(model: Any) -> Any:
    import torch
    from transformers import DynamicCache

    num_layers = model.config.num_hidden_layers

    class KvCacheLm(torch.nn.Module):
        """Flat past key/values in, logits (float32) and flat present key/values out."""

        def __init__(self) -> None:
            super().__init__()
            self.lm = model

        def forward(self, input_ids: Any, attention_mask: Any, position_ids: Any, *past: Any) -> Any:
            legacy = tuple((past[2 * i], past[2 * i + 1]) for i in range(num_layers))
            cache = DynamicCache.from_legacy_cache(legacy)
            mask = causal_mask_4d(attention_mask, input_ids.shape[1], self.lm.dtype)
            out = self.lm(
                input_ids=input_ids,
                attention_mask=mask,
                position_ids=position_ids,
                past_key_values=cache,
                use_cache=True,
                return_dict=True,
            )
            present = out.past_key_values
            if hasattr(present, "to_legacy_cache"):
                present = present.to_legacy_cache()
            flat = [t for layer in present for t in layer]
            return (out.logits.float(), *flat)

    return KvCacheLm().eval()


def io_names(num_layers: int) -> Tuple[List[str], List[str], Dict[str, Dict[int, str]]]:
    inputs = ["input_ids", "attention_mask", "position_ids"]
    outputs = ["logits"]
    axes: Dict[str, Dict[int, str]] = {
        "input_ids": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
        "position_ids": {0: "batch_size", 1: "sequence_length"},
        "logits": {0: "batch_size", 1: "sequence_length"},
    }
    for i in range(num_layers):
        for kind in ("key", "value"):
            inputs.append(f"past_key_values.{i}.{kind}")
            outputs.append(f"present.{i}.{kind}")
            axes[f"past_key_values.{i}.{kind}"] = {0: "batch_size", 2: "past_sequence_length"}
            axes[f"present.{i}.{kind}"] = {0: "batch_size", 2: "total_sequence_length"}
    return inputs, outputs, axes


def kv_shape(config: Any) -> Tuple[int, int]:
    heads = config.num_attention_heads
    kv_heads = getattr(config, "num_key_value_heads", None) or heads
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
    return kv_heads, head_dim


def export_onnx(model: Any, path: Path, opset: int) -> None:
    """torch.onnx.export (TorchScript tracing) with dynamic batch / sequence / past lengths.

    Dummy sizes are all different (batch 2, new 3, past 5) so no dynamic size is baked in as a constant.
    Above 2 GB the exporter writes the weights as external data next to `path` (one file per tensor)."""
    import torch

    config = model.config
    kv_heads, head_dim = kv_shape(config)
    device = next(model.parameters()).device
    batch, new, past = 2, 3, 5
    input_ids = torch.randint(3, config.vocab_size, (batch, new), device=device)
    attention_mask = torch.ones(batch, past + new, dtype=torch.int64, device=device)
    attention_mask[1, 0] = 0  # a left-padded row, so the mask path is traced with padding
    position_ids = torch.arange(past, past + new, device=device).unsqueeze(0).expand(batch, -1).contiguous()
    pasts = [
        torch.randn(batch, kv_heads, past, head_dim, dtype=model.dtype, device=device)
        for _ in range(2 * config.num_hidden_layers)
    ]
    inputs, outputs, axes = io_names(config.num_hidden_layers)
    wrapper = make_wrapper(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        export_kwargs: Dict[str, Any] = dict(
            input_names=inputs,
            output_names=outputs,
            dynamic_axes=axes,
            opset_version=opset,
            do_constant_folding=True,
        )
        if "dynamo" in inspect.signature(torch.onnx.export).parameters:
            export_kwargs["dynamo"] = False  # the TorchScript exporter: the path optimum and this script use
        torch.onnx.export(wrapper, (input_ids, attention_mask, position_ids, *pasts), str(path), **export_kwargs)


# ---------------------------------------------------------------------------------------------------
# Quantization and saving in chunks


def quantize_q4(model_proto: Any) -> Any:
    """MatMul with constant B -> com.microsoft MatMulNBits, 4 bits, block 32, symmetric (no zero points).

    The scales keep the weight's dtype: fp32 for the fp32 export, fp16 for the fp16 export."""
    from onnxruntime.quantization.matmul_4bits_quantizer import MatMul4BitsQuantizer

    quantizer = MatMul4BitsQuantizer(model_proto, block_size=BLOCK_SIZE, is_symmetric=True)
    quantizer.process()
    quantized = quantizer.model.model
    constants = {i.name for i in quantized.graph.initializer}
    count = sum(1 for n in quantized.graph.node if n.op_type == "MatMulNBits")
    left = sum(1 for n in quantized.graph.node if n.op_type == "MatMul" and n.input[1] in constants)
    log(f"quantized {count} MatMul nodes to MatMulNBits ({left} constant MatMul left)")
    if count == 0:
        raise SystemExit("no MatMul was quantized: is onnxruntime too old (see requirements.txt)?")
    return quantized


def tensor_bytes(tensor: Any) -> bytes:
    from onnx import numpy_helper

    return numpy_helper.to_array(tensor).tobytes()


def tensor_size(tensor: Any) -> int:
    """Bytes of a numeric tensor's data, from its shape and type (no copy)."""
    from onnx import helper

    count = 1
    for d in tensor.dims:
        count *= d
    return count * helper.tensor_dtype_to_np_dtype(tensor.data_type).itemsize


def save_chunked(model_proto: Any, path: Path, chunk_bytes: int, min_external_bytes: int = 1024) -> List[Path]:
    """Saves the graph to `path` with every initializer of at least `min_external_bytes` in external
    data files named as transformers.js asks for them (chunk_plan). Returns the data files written."""
    import onnx
    from onnx import TensorProto

    big = [t for t in model_proto.graph.initializer if tensor_size(t) >= min_external_bytes]
    sizes = [(t.name, tensor_size(t)) for t in big]
    plan = chunk_plan.plan_chunks(sizes, chunk_bytes)
    names = chunk_plan.chunk_file_names(path.name, chunk_plan.chunk_count(plan))
    files = [path.parent / n for n in names]
    handles = [open(f, "wb") for f in files]
    try:
        for tensor, placement in zip(big, plan):
            data = tensor_bytes(tensor)
            if len(data) != placement.length:
                raise SystemExit(f"{tensor.name}: {len(data)} bytes, planned {placement.length}")
            handle = handles[placement.chunk]
            handle.seek(placement.offset)
            handle.write(data)
            for field in ("raw_data", "float_data", "int32_data", "int64_data", "double_data", "uint64_data"):
                tensor.ClearField(field)
            tensor.data_location = TensorProto.EXTERNAL
            del tensor.external_data[:]
            for key, value in (
                ("location", names[placement.chunk]),
                ("offset", str(placement.offset)),
                ("length", str(placement.length)),
            ):
                entry = tensor.external_data.add()
                entry.key, entry.value = key, value
    finally:
        for handle in handles:
            handle.close()
    onnx.save_model(model_proto, str(path))
    for f, size in zip(files, chunk_plan.chunk_sizes(plan)):
        if f.stat().st_size != size or size >= chunk_plan.MAX_FILE_BYTES:
            raise SystemExit(f"{f} has {f.stat().st_size} bytes, expected {size} (< 2 GB)")
    return files


def convert_dtype(args: argparse.Namespace, dtype: str, onnx_dir: Path, work: Path) -> Dict[str, Any]:
    import onnx
    import torch

    torch_dtype = torch.float32 if dtype == "q4" else torch.float16
    started = time.time()
    log(f"{dtype}: loading the PyTorch model in {torch_dtype} on {args.device}")
    model = load_model(args, torch_dtype, args.device)
    export_dir = work / f"export_{dtype}"
    export_path = export_dir / "model.onnx"
    log(f"{dtype}: exporting to {export_path}")
    export_onnx(model, export_path, args.opset)
    del model
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    exported_at = time.time()
    log(f"{dtype}: exported in {exported_at - started:.0f}s; peak RSS so far {peak_rss_gb():.1f} GB")

    proto = onnx.load(str(export_path), load_external_data=True)
    quantized = quantize_q4(proto)
    del proto
    gc.collect()
    target = onnx_dir / f"model_{dtype}.onnx"
    files = save_chunked(quantized, target, args.chunk_bytes)
    del quantized
    gc.collect()
    if not args.keep_temp:
        shutil.rmtree(export_dir, ignore_errors=True)
    # The saved model must load and check with its external data (catches a wrong location early).
    onnx.checker.check_model(str(target))
    done_at = time.time()
    sizes = {target.name: target.stat().st_size, **{f.name: f.stat().st_size for f in files}}
    log(f"{dtype}: quantized and saved in {done_at - exported_at:.0f}s: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items()))
    return {
        "chunks": len(files),
        "files": sizes,
        "total_bytes": sum(sizes.values()),
        "export_s": round(exported_at - started, 1),
        "quantize_save_s": round(done_at - exported_at, 1),
    }


# ---------------------------------------------------------------------------------------------------
# Config files


def write_configs(out: Path, config: Any, chunk_counts: Dict[str, int]) -> None:
    data = config.to_dict()
    data["architectures"] = ["LlamaForCausalLM"]
    data["model_type"] = "llama"
    for key in ("_attn_implementation", "_attn_implementation_autoset", "_name_or_path"):
        data.pop(key, None)
    # Keep declarations of other dtypes already in this folder (converted by an earlier run).
    existing_path = out / "config.json"
    counts = dict(chunk_counts)
    if existing_path.exists():
        previous = json.loads(existing_path.read_text(encoding="utf-8"))
        declared = previous.get("transformers.js_config", {}).get("use_external_data_format", {})
        for name, count in declared.items() if isinstance(declared, dict) else []:
            if name not in counts and (out / "onnx" / name).exists():
                counts[name] = int(count)
    data["transformers.js_config"] = chunk_plan.transformers_js_config(counts)
    existing_path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    generation = {
        "bos_token_id": BOS_ID,
        "eos_token_id": EOS_ID,
        "pad_token_id": 0,
        "do_sample": False,
        "max_new_tokens": MAX_NEW_TOKENS,
    }
    (out / "generation_config.json").write_text(json.dumps(generation, indent=2) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------------
# Checks: onnxruntime (CPU) against PyTorch


def dequantize_matmulnbits(node: Any, initializers: Dict[str, Any]) -> Any:
    """The [N, K] weight (torch Linear layout) a MatMulNBits node computes with."""
    import numpy as np
    from onnx import helper, numpy_helper

    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    k, n, bits, block = attrs["K"], attrs["N"], attrs["bits"], attrs["block_size"]
    if bits != 4:
        raise ValueError(f"{node.name}: {bits} bits")
    packed = numpy_helper.to_array(initializers[node.input[1]]).astype(np.uint8)
    blocks = (k + block - 1) // block
    packed = packed.reshape(n, blocks, block // 2)
    q = np.stack([packed & 0x0F, packed >> 4], axis=-1).reshape(n, blocks, block).astype(np.float32)
    scales = numpy_helper.to_array(initializers[node.input[2]]).astype(np.float32).reshape(n, blocks, 1)
    if len(node.input) > 3 and node.input[3]:
        zp = numpy_helper.to_array(initializers[node.input[3]]).astype(np.uint8).reshape(n, -1)
        zero = np.stack([zp & 0x0F, zp >> 4], axis=-1).reshape(n, -1)[:, :blocks].astype(np.float32)[:, :, None]
    else:
        zero = np.float32(8)
    return ((q - zero) * scales).reshape(n, blocks * block)[:, :k]


def fake_quantize(model: Any, onnx_path: Path) -> int:
    """Replaces each quantized Linear weight of `model` with what the ONNX MatMulNBits computes with,
    so PyTorch and onnxruntime should then agree up to float rounding (isolates export errors)."""
    import numpy as np
    import onnx
    import torch

    proto = onnx.load(str(onnx_path), load_external_data=True)
    initializers = {t.name: t for t in proto.graph.initializer}
    linears = {name: m for name, m in model.named_modules() if isinstance(m, torch.nn.Linear)}
    replaced = 0
    for node in proto.graph.node:
        if node.op_type != "MatMulNBits":
            continue
        weight = dequantize_matmulnbits(node, initializers)
        # Node names follow the module scope: /lm/model/layers.0/self_attn/q_proj/MatMul_Q4.
        scope = node.name.strip("/").split("/")[:-1]
        name = ".".join(scope[1:]) if scope[:1] == ["lm"] else ".".join(scope)
        module = linears.get(name)

        def rel_error(m: Any) -> float:
            w = m.weight.detach().float().cpu().numpy()
            return float(np.linalg.norm(w - weight) / max(np.linalg.norm(w), 1e-12))

        if module is None or tuple(module.weight.shape) != weight.shape or rel_error(module) > 0.3:
            candidates = [m for m in linears.values() if tuple(m.weight.shape) == weight.shape]
            if not candidates:
                raise SystemExit(f"no Linear of shape {weight.shape} for {node.name}")
            module = min(candidates, key=rel_error)
        with torch.no_grad():
            module.weight.copy_(torch.from_numpy(weight).to(module.weight.dtype))
        replaced += 1
    return replaced


class OrtLm:
    """A KV-cache step loop over the exported graph, as transformers.js runs it."""

    def __init__(self, path: Path, config: Any) -> None:
        import numpy as np
        import onnxruntime as ort

        self.session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        self.layers = config.num_hidden_layers
        self.kv_heads, self.head_dim = kv_shape(config)
        kv_type = next(i.type for i in self.session.get_inputs() if i.name == "past_key_values.0.key")
        self.kv_dtype = np.float16 if "float16" in kv_type else np.float32
        self.outputs = [o.name for o in self.session.get_outputs()]

    def empty_past(self) -> Dict[str, Any]:
        import numpy as np

        shape = (1, self.kv_heads, 0, self.head_dim)
        return {
            f"past_key_values.{i}.{kind}": np.zeros(shape, dtype=self.kv_dtype)
            for i in range(self.layers)
            for kind in ("key", "value")
        }

    def forward(self, ids: Sequence[int], past: Optional[Dict[str, Any]] = None) -> Tuple[Any, Dict[str, Any]]:
        import numpy as np

        past = past if past is not None else self.empty_past()
        past_len = past["past_key_values.0.key"].shape[2]
        feeds = {
            "input_ids": np.asarray([ids], dtype=np.int64),
            "attention_mask": np.ones((1, past_len + len(ids)), dtype=np.int64),
            "position_ids": np.arange(past_len, past_len + len(ids), dtype=np.int64)[None, :],
            **past,
        }
        values = dict(zip(self.outputs, self.session.run(None, feeds)))
        present = {name.replace("present", "past_key_values", 1): v for name, v in values.items() if name.startswith("present")}
        return values["logits"][0].astype(np.float32), present

    def greedy(self, ids: Sequence[int], max_new: int) -> List[int]:
        logits, past = self.forward(ids)
        out: List[int] = []
        while len(out) < max_new:
            token = int(logits[-1].argmax())
            if token == EOS_ID:
                break
            out.append(token)
            logits, past = self.forward([token], past)
        return out


def torch_logits(model: Any, ids: Sequence[int]) -> Any:
    import torch

    device = next(model.parameters()).device
    with torch.no_grad():
        return model(torch.tensor([list(ids)], device=device)).logits[0].float().cpu().numpy()


def torch_greedy(model: Any, ids: Sequence[int], max_new: int) -> List[int]:
    """Greedy decoding with the KV cache, stopping at </s> (excluded), like the app."""
    import torch

    device = next(model.parameters()).device
    out: List[int] = []
    with torch.no_grad():
        result = model(torch.tensor([list(ids)], device=device), use_cache=True)
        while len(out) < max_new:
            token = int(result.logits[0, -1].float().argmax())
            if token == EOS_ID:
                break
            out.append(token)
            result = model(torch.tensor([[token]], device=device), past_key_values=result.past_key_values, use_cache=True)
    return out


def compare(a: Any, b: Any) -> Dict[str, float]:
    import numpy as np

    return {
        "top1_agreement": float((a.argmax(-1) == b.argmax(-1)).mean()),
        "max_abs_diff": float(np.abs(a - b).max()),
        "logit_scale": float(np.abs(a).max()),
    }


def run_checks(args: argparse.Namespace, out: Path, tokenizer: Any, config: Any) -> Tuple[Dict[str, Any], bool]:
    """PyTorch (fp32, CPU) against onnxruntime (CPU) on the UniNER prompt. Returns (report, passed)."""
    import numpy as np
    import torch

    prompts = [UNINER_PROMPT.format(passage=p, entity_type=t) for p, t in CHECK_CASES]
    ids = [tokenizer(p)["input_ids"] for p in prompts]
    model = load_model(args, torch.float32, "cuda" if args.device.startswith("cuda") else "cpu")
    original_logits = [torch_logits(model, x) for x in ids]
    original_greedy = torch_greedy(model, ids[0], args.check_new_tokens)
    report: Dict[str, Any] = {"prompt": prompts[0], "prompt_ids": ids[0], "max_new_tokens": args.check_new_tokens,
                              "eos_token_id": EOS_ID, "torch_greedy_ids": original_greedy, "dtypes": {}}
    passed = True
    for index, dtype in enumerate(args.dtypes):
        if index > 0:  # fake_quantize changed the weights: start again from the original ones
            del model
            gc.collect()
            model = load_model(args, torch.float32, "cuda" if args.device.startswith("cuda") else "cpu")
        path = out / "onnx" / f"model_{dtype}.onnx"
        entry: Dict[str, Any] = {}
        report["dtypes"][dtype] = entry
        try:
            ort_lm = OrtLm(path, config)
        except Exception as error:  # noqa: BLE001 - q4f16 often has no CPU kernels: report, do not fail
            entry["skipped"] = f"onnxruntime CPU cannot run {path.name}: {str(error).splitlines()[0]}"
            log(f"{dtype}: check skipped ({entry['skipped']})")
            if dtype == "q4":
                passed = False
            continue
        onnx_logits = [ort_lm.forward(x)[0] for x in ids]
        entry["vs_original"] = [compare(o, t) for o, t in zip(onnx_logits, original_logits)]
        replaced = fake_quantize(model, path)
        fq_logits = [torch_logits(model, x) for x in ids]
        entry["vs_fake_quantized"] = [compare(o, t) for o, t in zip(onnx_logits, fq_logits)]
        # The KV-cache path: prefix first, then the rest one token at a time (how transformers.js runs).
        split = len(ids[0]) - 4
        logits, past = ort_lm.forward(ids[0][:split])
        stepped = [logits[-1]]
        for token in ids[0][split:]:
            logits, past = ort_lm.forward([token], past)
            stepped.append(logits[-1])
        full = onnx_logits[0][split - 1 :]
        entry["kv_cache_max_abs_diff"] = float(np.abs(np.stack(stepped) - full).max())
        entry["onnx_greedy_ids"] = ort_lm.greedy(ids[0], args.check_new_tokens)
        entry["torch_fake_quantized_greedy_ids"] = torch_greedy(model, ids[0], args.check_new_tokens)
        entry["replaced_linears"] = replaced
        worst_top1 = min(c["top1_agreement"] for c in entry["vs_fake_quantized"])
        scale = max(c["logit_scale"] for c in entry["vs_fake_quantized"])
        worst_diff = max(c["max_abs_diff"] for c in entry["vs_fake_quantized"])
        tolerance = 1e-2 if dtype == "q4" else 5e-2  # relative to the largest logit
        ok = (
            worst_top1 >= 0.98
            and worst_diff <= tolerance * max(scale, 1.0)
            and entry["kv_cache_max_abs_diff"] <= tolerance * max(scale, 1.0)
            and entry["onnx_greedy_ids"] == entry["torch_fake_quantized_greedy_ids"]
        )
        entry["passed"] = ok
        passed = passed and (ok or dtype != "q4")
        for label, comparisons in (("PyTorch fp32 (quantization error included)", entry["vs_original"]),
                                   ("PyTorch with the same 4-bit weights (export error only)", entry["vs_fake_quantized"])):
            for i, c in enumerate(comparisons):
                log(f"{dtype} vs {label}, prompt {i}: top-1 agreement {c['top1_agreement']:.3f}, "
                    f"max |logit diff| {c['max_abs_diff']:.2e} (largest logit {c['logit_scale']:.2f})")
        log(f"{dtype}: KV-cache steps vs full pass: max |diff| {entry['kv_cache_max_abs_diff']:.2e}")
        log(f"{dtype}: greedy ids onnxruntime == PyTorch (same 4-bit weights): "
            f"{entry['onnx_greedy_ids'] == entry['torch_fake_quantized_greedy_ids']}; "
            f"== PyTorch fp32: {entry['onnx_greedy_ids'] == original_greedy}")
        log(f"{dtype}: check {'PASSED' if ok else 'FAILED'}")
    del model
    gc.collect()
    return report, passed


# ---------------------------------------------------------------------------------------------------


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    started = time.time()
    out: Path = args.out
    onnx_dir = out / "onnx"
    onnx_dir.mkdir(parents=True, exist_ok=True)

    tokenizer = load_tokenizer(args)
    tokenizer_report = check_tokenizer(tokenizer, None if (args.random_tiny or args.shape_7b_random) else args.source)
    write_tokenizer(tokenizer, out)

    work = Path(tempfile.mkdtemp(prefix="uniner-export-", dir=str(out)))
    results: Dict[str, Any] = {}
    config = None
    try:
        for dtype in args.dtypes:
            results[dtype] = convert_dtype(args, dtype, onnx_dir, work)
    finally:
        if not args.keep_temp:
            shutil.rmtree(work, ignore_errors=True)
    from transformers import AutoConfig

    if args.random_tiny:
        config = tiny_config()
    elif args.shape_7b_random:
        config = llama_7b_config()
    else:
        config = AutoConfig.from_pretrained(args.source)
    write_configs(out, config, {f"model_{d}.onnx": r["chunks"] for d, r in results.items()})

    passed = True
    reference: Dict[str, Any] = {"tokenizer": tokenizer_report, "conversion": results}
    if not args.skip_check:
        check, passed = run_checks(args, out, tokenizer, config)
        reference.update(check)
    reference["peak_rss_gb"] = round(peak_rss_gb(), 2)
    reference["total_s"] = round(time.time() - started, 1)
    (out / "reference.json").write_text(json.dumps(reference, indent=2) + "\n", encoding="utf-8")

    log(f"done in {reference['total_s']}s, peak RSS {reference['peak_rss_gb']} GB")
    for dtype, r in results.items():
        log(f"{dtype}: {r['total_bytes'] / 1e9:.2f} GB in {1 + r['chunks']} files")
    print()
    print("Upload (Hugging Face Hub; `huggingface-cli login` first):")
    print(f"  huggingface-cli upload {args.hub_repo} {out} . --exclude reference.json")
    print("Build the app pointing at it (a Hub id works too: VITE_UNINER_MODEL_URL=" + args.hub_repo + "):")
    print(f"  VITE_UNINER_MODEL_URL=https://huggingface.co/{args.hub_repo}/resolve/main npm run build")
    if not passed:
        log("CHECK FAILED: onnxruntime and PyTorch disagree (see above); do not publish this export.")
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
