"""PyTorch + transformers reference logits for SmolLM2-135M-Instruct (Q4_1 GGUF).

transformers loads the GGUF by dequantizing every tensor to fp32 (through the `gguf` package), which
are the same weights our fp32 ONNX conversion holds; so greedy tokens must match and logits agree to
float error. The model is fed the token ids of test/fixtures/reference/smollm2-prompts.json (made by
make-prompts.ts with llama.cpp), never text, so a tokenizer difference cannot hide in this check.

    /work/venv-ref/bin/python tools/convert/reference/transformers_logits.py \
        --gguf test/fixtures/models/real/SmolLM2-135M-Instruct.Q4_1.gguf

Writes test/fixtures/reference/smollm2-transformers.json (see README.md next to this file).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
import time
from pathlib import Path

import gguf
import numpy as np
import torch
import transformers
from transformers import AutoModelForCausalLM, AutoTokenizer

ROOT = Path(__file__).resolve().parents[3]
PROMPTS = ROOT / "test/fixtures/reference/smollm2-prompts.json"
OUTPUT = ROOT / "test/fixtures/reference/smollm2-transformers.json"

MAX_NEW_TOKENS = 32
TOP_K = 16
DECIMALS = 5
# <|endoftext|> (0) and <|im_end|> (2). The GGUF's eos is 2; the model card's generation_config also
# says 2. The base model ends documents with 0, so stop there too (as llama.cpp's end-of-generation set).
STOP_IDS = (0, 2)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def r(value: float) -> float:
    return round(float(value), DECIMALS)


def load_model(gguf_path: Path):
    kwargs = {"gguf_file": gguf_path.name, "attn_implementation": "eager"}
    # transformers >= 4.56 calls it `dtype`; older releases `torch_dtype`.
    major, minor = (int(x) for x in transformers.__version__.split(".")[:2])
    kwargs["dtype" if (major, minor) >= (4, 56) else "torch_dtype"] = torch.float32
    model = AutoModelForCausalLM.from_pretrained(str(gguf_path.parent), **kwargs)
    model.eval()
    tokenizer = AutoTokenizer.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name)
    return model, tokenizer


def check_model(model) -> dict:
    """Facts that would silently spoil the reference if the GGUF mapping went wrong."""
    config = model.config
    embed = model.get_input_embeddings().weight
    head = model.get_output_embeddings().weight
    facts = {
        "architecture": type(model).__name__,
        "num_hidden_layers": config.num_hidden_layers,
        "hidden_size": config.hidden_size,
        "num_attention_heads": config.num_attention_heads,
        "num_key_value_heads": config.num_key_value_heads,
        "rope_theta": getattr(config, "rope_theta", None)
        or (getattr(config, "rope_parameters", None) or {}).get("rope_theta"),
        "rms_norm_eps": config.rms_norm_eps,
        "vocab_size": config.vocab_size,
        "tie_word_embeddings": bool(config.tie_word_embeddings),
        "lm_head_is_embedding": bool(head.data_ptr() == embed.data_ptr() or torch.equal(head, embed)),
        "dtype": str(embed.dtype),
        "attn_implementation": config._attn_implementation,
    }
    # SmolLM2's GGUF has no output.weight: the head must be the (dequantized Q8_0) embedding.
    assert facts["lm_head_is_embedding"], "lm_head is not tied to the embedding"
    assert facts["dtype"] == "torch.float32"
    return facts


def check_q_permutation(model, gguf_path: Path) -> float:
    """llama.cpp's converter permutes Q/K rows for its RoPE layout; transformers must undo it.

    Returns the max |difference| between layer 0's q_proj and our own un-permutation of the GGUF
    tensor (0 when transformers did the same thing)."""
    reader = gguf.GGUFReader(str(gguf_path))
    tensor = next(t for t in reader.tensors if t.name == "blk.0.attn_q.weight")
    weights = gguf.dequantize(tensor.data, tensor.tensor_type)  # [out, in]
    heads = model.config.num_attention_heads
    out_dim = weights.shape[0]
    # Inverse of convert_hf_to_gguf's permute: [heads, 2, half, in] <- [heads, half, 2, in].
    unpermuted = (
        weights.reshape(heads, out_dim // heads // 2, 2, -1).swapaxes(1, 2).reshape(weights.shape)
    )
    ours = model.model.layers[0].self_attn.q_proj.weight.detach().numpy()
    return float(np.abs(ours - unpermuted).max())


@torch.inference_mode()
def greedy(model, ids: list[int]) -> dict:
    input_ids = torch.tensor([ids], dtype=torch.long)
    out = model(input_ids=input_ids, use_cache=True)
    past = out.past_key_values
    logits = out.logits[0, -1].float()
    stats = {
        "max": r(logits.max()),
        "min": r(logits.min()),
        "mean": r(logits.mean()),
        "std": r(logits.std(unbiased=False)),
    }
    generated: list[int] = []
    steps = []
    stop = "length"
    for _ in range(MAX_NEW_TOKENS):
        values, indices = torch.topk(logits, TOP_K)
        token = int(torch.argmax(logits))
        steps.append(
            {
                "top": [[int(i), r(v)] for v, i in zip(values.tolist(), indices.tolist())],
                "greedy": [token, r(logits[token])],
            }
        )
        generated.append(token)
        if token in STOP_IDS:
            stop = "eos"
            break
        out = model(input_ids=torch.tensor([[token]]), past_key_values=past, use_cache=True)
        past = out.past_key_values
        logits = out.logits[0, -1].float()
    return {"generated": generated, "stop": stop, "step0": stats, "steps": steps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gguf", type=Path, required=True)
    parser.add_argument("--prompts", type=Path, default=PROMPTS)
    parser.add_argument("--out", type=Path, default=OUTPUT)
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    gguf_path = args.gguf.resolve()
    started = time.time()
    model, tokenizer = load_model(gguf_path)
    facts = check_model(model)
    facts["q_proj_unpermute_max_abs_diff"] = check_q_permutation(model, gguf_path)
    facts["generation_config_eos_token_id"] = model.generation_config.eos_token_id
    print(f"loaded in {time.time() - started:.1f}s: {json.dumps(facts)}", file=sys.stderr)

    prompts = json.loads(args.prompts.read_text())
    results = []
    for prompt in prompts:
        t0 = time.time()
        record = greedy(model, prompt["ids"])
        answer = tokenizer.decode(record["generated"], skip_special_tokens=True)
        print(
            f"{prompt['id']:<28} {prompt['entityType']!r:<20} gold={json.dumps(prompt['gold'])} "
            f"-> {answer!r} ({len(record['generated'])} tokens, {record['stop']}, {time.time() - t0:.1f}s)",
            file=sys.stderr,
        )
        results.append({"id": prompt["id"], "answer": answer, **record})

    document = {
        "about": "Greedy decoding of SmolLM2-135M-Instruct (GGUF dequantized to fp32 by transformers) "
        "on the ids of smollm2-prompts.json; per step the top-16 raw logits and the greedy token's logit. "
        "Regenerate with tools/convert/reference/transformers_logits.py.",
        "gguf": {"file": gguf_path.name, "sha256": sha256(gguf_path)},
        "prompts_sha256": sha256(args.prompts),
        "versions": {
            "python": sys.version.split()[0],
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "gguf": getattr(gguf, "__version__", None) or _dist_version("gguf"),
            "numpy": np.__version__,
        },
        "model": facts,
        "decoding": {
            "max_new_tokens": MAX_NEW_TOKENS,
            "stop_ids": list(STOP_IDS),
            "top_k": TOP_K,
            "decimals": DECIMALS,
            "generated_includes_stop_token": True,
        },
        "results": results,
    }
    # One result per line: small diffs when the file is regenerated, and well under 1.5 MB.
    lines = json.dumps({**document, "results": []}, indent=1)[: -len('"results": []\n}')]
    body = ",\n".join(json.dumps(item, separators=(",", ":")) for item in results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(f'{lines}"results": [\n{body}\n]\n}}\n')
    json.loads(args.out.read_text())  # still valid JSON
    assert all(math.isfinite(s["step0"]["std"]) for s in results)
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)", file=sys.stderr)


def _dist_version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


if __name__ == "__main__":
    main()
