"""The quick load path: prepared int8 weights, and config and tokenizer without the Auto classes."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from shopkeeper.llm import weights
from shopkeeper.llm._engine import FastLlama, checkpoint_tensors
from shopkeeper.llm._kernels import kernel_variant
from shopkeeper.llm.transformers_backend import TransformersBackend

CHAT = [
    {"role": "system", "content": "You are a shop assistant."},
    {"role": "user", "content": "Where is order #W2378156? Ünïcode and emoji 🚚 too."},
]


def test_prepared_weights_rebuild_the_same_model_without_the_checkpoint(
    embedded: TransformersBackend, tmp_path: Path
) -> None:
    folder = embedded.files.checkpoint
    config = weights.read_config(folder)
    store = weights.Prepared(tmp_path, folder, kernel_variant())
    built = FastLlama(config, checkpoint_tensors(folder), "int8", store=store)
    assert store.save()
    assert store.path.exists()

    def no_checkpoint(name: str) -> torch.Tensor:
        raise AssertionError(f"read {name} from the checkpoint")

    again = weights.Prepared(tmp_path, folder, kernel_variant())
    loaded = FastLlama(config, no_checkpoint, "int8", store=again)
    assert not again.save()  # nothing new to write
    ids = list(range(100, 140))
    with torch.inference_mode():
        torch.testing.assert_close(loaded.forward(ids, 0, True), built.forward(ids, 0, True), rtol=0, atol=0)


def test_a_damaged_prepared_file_is_rebuilt(embedded: TransformersBackend, tmp_path: Path) -> None:
    folder = embedded.files.checkpoint
    store = weights.Prepared(tmp_path, folder, kernel_variant())
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(b"\x00garbage")
    damaged = weights.Prepared(tmp_path, folder, kernel_variant())
    assert damaged.get("model.norm.weight") is None
    FastLlama(weights.read_config(folder), checkpoint_tensors(folder), "int8", store=damaged)
    assert damaged.save()
    assert weights.Prepared(tmp_path, folder, kernel_variant()).get("model.norm.weight") is not None


def test_another_kernel_variant_gets_its_own_file(embedded: TransformersBackend, tmp_path: Path) -> None:
    folder = embedded.files.checkpoint
    one = weights.Prepared(tmp_path, folder, "int8 levels 127; bf16 prefill True")
    other = weights.Prepared(tmp_path, folder, "int8 levels 63; bf16 prefill False")
    assert one.path != other.path


def test_quick_config_and_tokenizer_match_the_auto_classes(embedded: TransformersBackend) -> None:
    from transformers import AutoConfig, AutoTokenizer, GenerationConfig

    folder = embedded.files.checkpoint
    auto, quick = AutoConfig.from_pretrained(folder), weights.read_config(folder)
    for key in (*weights._LLAMA_KEYS, "tie_word_embeddings", "max_position_embeddings", "head_dim"):
        assert getattr(quick, key) == getattr(auto, key), key
    assert FastLlama.supports(quick) and FastLlama.supports(auto)
    slow, fast = AutoTokenizer.from_pretrained(folder), weights.load_tokenizer(folder)
    kwargs = {"add_generation_prompt": True, "tokenize": True, "return_dict": True}
    assert (
        fast.apply_chat_template(CHAT, **kwargs)["input_ids"]
        == slow.apply_chat_template(CHAT, **kwargs)["input_ids"]
    )
    eos = GenerationConfig.from_pretrained(folder).eos_token_id
    assert weights.end_token_ids(folder, quick, fast) == {eos} | {slow.eos_token_id}


@pytest.mark.parametrize("rope", [{"rope_type": "llama3", "factor": 8.0}, {"type": "linear", "factor": 2.0}])
def test_scaled_rope_takes_the_transformers_path(
    embedded: TransformersBackend, rope: dict[str, object]
) -> None:
    config = weights.read_config(embedded.files.checkpoint)
    config.rope_parameters = None
    config.rope_scaling = rope
    assert not FastLlama.supports(config)
