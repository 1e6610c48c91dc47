"""Protein language models: ESM-2 through Hugging Face ``transformers``, with an offline fallback.

:func:`load_esm2` loads a pre-trained ESM-2 model from the Hugging Face Hub (or its local cache).
Without a network it builds a *tiny ESM model with the real ESM-2 vocabulary and untrained random
weights* instead, so that the code runs anywhere -- and the returned :class:`ProteinLM` says which
one it is (``pretrained``). Numbers computed with the untrained model exercise the code; they are
not results.

From model outputs to biology: :func:`mean_pool` and :func:`embed` give one vector per protein;
:func:`masked_marginal_score` and :func:`masked_marginals` give zero-shot mutation-effect scores
(Meier et al. 2021). The small from-scratch Keras transformer of chapter 10 is in
:mod:`seqdl.models`. ``torch`` and ``transformers`` are imported only when used.
"""

from __future__ import annotations

import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .encode import PROTEIN_ALPHABET
from .validate import check_array, check_int, check_positive_int, check_protein, check_sequences, fail

ESM2_8M = "facebook/esm2_t6_8M_UR50D"  # 8 M parameters, 6 layers, 320-dim embeddings
# ESM-2's 33 tokens in id order, as in every facebook/esm2_* vocab.txt.
ESM2_VOCAB = (
    "<cls>", "<pad>", "<eos>", "<unk>",
    "L", "A", "G", "V", "S", "E", "R", "T", "I", "D", "P", "K", "Q", "N", "F", "Y", "M", "H", "W", "C",
    "X", "B", "U", "Z", "O", ".", "-", "<null_1>", "<mask>",
)  # fmt: skip


@dataclass(frozen=True)
class ProteinLM:
    """A masked protein language model (``EsmForMaskedLM``), its tokenizer, and what it is."""

    model: Any
    tokenizer: Any
    name: str
    pretrained: bool

    @property
    def description(self) -> str:
        if self.pretrained:
            return f"{self.name} (pre-trained weights)"
        return (
            f"{self.name} with UNTRAINED random weights (its numbers exercise the code; they are not results)"
        )

    @property
    def hidden_size(self) -> int:
        return int(self.model.config.hidden_size)


def esm2_tokenizer(directory: str | Path | None = None):
    """The ESM-2 tokenizer built from :data:`ESM2_VOCAB` (written to ``directory/vocab.txt``), no hub."""
    from transformers import EsmTokenizer

    directory = Path(directory or tempfile.mkdtemp(prefix="esm2_vocab_"))
    directory.mkdir(parents=True, exist_ok=True)
    vocab_file = directory / "vocab.txt"
    vocab_file.write_text("\n".join(ESM2_VOCAB) + "\n")
    return EsmTokenizer(vocab_file=str(vocab_file))


def tiny_esm2(seed: int = 0, hidden_size: int = 64, num_layers: int = 2, num_heads: int = 4) -> ProteinLM:
    """A small ESM-2-style masked language model with **untrained** random weights.

    Same vocabulary, rotary position embeddings and token dropout as ESM-2; only smaller
    (ESM-2 8M has ``hidden_size=320``, 6 layers, 20 heads). Weights drawn with ``seed``.
    """
    import torch
    from transformers import EsmConfig, EsmForMaskedLM

    tokenizer = esm2_tokenizer()
    config = EsmConfig(
        vocab_size=len(ESM2_VOCAB),
        pad_token_id=tokenizer.pad_token_id,
        mask_token_id=tokenizer.mask_token_id,
        hidden_size=hidden_size,
        num_hidden_layers=num_layers,
        num_attention_heads=num_heads,
        intermediate_size=4 * hidden_size,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        max_position_embeddings=1026,
        position_embedding_type="rotary",
        emb_layer_norm_before=False,
        token_dropout=True,
        layer_norm_eps=1e-5,
    )
    torch.manual_seed(seed)
    model = EsmForMaskedLM(config).eval()
    name = f"a tiny ESM-2-style model ({num_layers} layers, {hidden_size}-dim)"
    return ProteinLM(model, tokenizer, name, False)


def hub_reachable(name: str = ESM2_8M, timeout: float = 3.0) -> bool:
    """Whether the Hugging Face Hub answers within ``timeout`` seconds (False when HF_HUB_OFFLINE=1).

    Any HTTP answer counts (even an error status: the network works and ``from_pretrained`` will say
    what is wrong); no answer at all (DNS failure, refused connection, timeout) does not.
    """
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return False
    request = urllib.request.Request(f"{constants.ENDPOINT}/{name}/resolve/main/config.json", method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:  # URLError, socket timeout, connection refused
        return False


def load_esm2(name: str = ESM2_8M, *, seed: int = 0, timeout: float = 3.0, verbose: bool = True) -> ProteinLM:
    """Pre-trained ESM-2 ``name`` from the local cache or the Hub; else :func:`tiny_esm2` (untrained).

    The Hub is tried only if it answers within ``timeout`` seconds, so this fails fast offline
    (``transformers`` alone retries for about a minute). Prints which model was used.
    """
    from transformers import AutoTokenizer, EsmForMaskedLM

    lm = None
    for local_only in (True, False):
        if not local_only and not hub_reachable(name, timeout):
            break
        try:
            tokenizer = AutoTokenizer.from_pretrained(name, local_files_only=local_only)
            model = EsmForMaskedLM.from_pretrained(name, local_files_only=local_only).eval()
        except OSError:  # not cached (local_only) or download failed
            continue
        lm = ProteinLM(model, tokenizer, name, True)
        break
    if lm is None:
        lm = tiny_esm2(seed=seed)
    if verbose and lm.pretrained:
        print(f"Protein language model: {lm.name}, pre-trained weights.")
    elif verbose:
        print(f"Could not load {name} (no network and not in the cache).")
        print(f"Using instead: {lm.name} with UNTRAINED random weights.")
        print("Its numbers exercise the code; they are not results.")
    return lm


def residue_mask(input_ids, tokenizer) -> np.ndarray:
    """Boolean ``(n, length)``: True at amino-acid tokens, False at ``<cls>``, ``<eos>`` and padding."""
    ids = np.asarray(input_ids)
    special = [tokenizer.cls_token_id, tokenizer.eos_token_id, tokenizer.pad_token_id]
    return ~np.isin(ids, special)


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Average the vectors of the positions where ``mask`` is true: one vector per sequence.

    Parameters
    ----------
    hidden : numpy.ndarray, shape=(n, length, dim)
        Per-token vectors, e.g. a transformer's last hidden state.
    mask : numpy.ndarray, shape=(n, length)
        True (or 1) at the tokens to average: residues, not special tokens or padding.

    Returns
    -------
    numpy.ndarray, shape=(n, dim)
    """
    hidden = check_array(hidden, "hidden", ndim=3, shape_text="(n, length, dim)")
    mask = check_array(mask, "mask", ndim=2, shape_text=f"(n, length) = {hidden.shape[:2]}")
    if mask.shape != hidden.shape[:2] or not np.isin(mask, (0, 1)).all():
        raise fail("mask", mask, f"True/False (or 1/0) of shape {hidden.shape[:2]}, one per token of hidden")
    counts = mask.sum(axis=1)
    if (counts == 0).any():
        row = int(np.flatnonzero(counts == 0)[0])
        raise fail("mask", mask, f"at least one position to average per sequence; row {row} is all False")
    return (hidden * mask[..., None]).sum(axis=1) / counts[:, None]


def embed(seqs: Sequence[str], lm: ProteinLM, batch_size: int = 32) -> np.ndarray:
    """Mean-pooled last-layer embeddings, ``(len(seqs), hidden_size)`` float32, in input order.

    Sequences are batched by length (less padding); special tokens and padding are excluded from
    the mean. ESM-2 takes at most 1,022 residues: longer sequences are truncated.
    """
    import torch

    seqs = [check_protein(s, f"seqs[{i}]") for i, s in enumerate(check_sequences(seqs, "seqs"))]
    batch_size = check_positive_int(batch_size, "batch_size")
    order = np.argsort([len(s) for s in seqs], kind="stable")
    out = np.zeros((len(seqs), lm.hidden_size), dtype=np.float32)
    for start in range(0, len(seqs), batch_size):
        index = order[start : start + batch_size]
        batch = lm.tokenizer(
            [seqs[i] for i in index], padding=True, truncation=True, max_length=1024, return_tensors="pt"
        )
        with torch.inference_mode():
            hidden = lm.model.esm(**batch).last_hidden_state
        out[index] = mean_pool(hidden.numpy(), residue_mask(batch["input_ids"], lm.tokenizer))
    return out


def masked_marginal_score(logits: np.ndarray, wt_index: int, mt_index) -> np.ndarray:
    """Zero-shot score of substituting ``wt_index`` by ``mt_index`` at one masked position.

    ``log p(mutant) - log p(wild type)`` under the model's prediction for the masked position
    (Meier et al. 2021): positive means the model finds the mutant more likely than the wild type.

    Parameters
    ----------
    logits : numpy.ndarray, shape=(vocab_size,)
        The model's raw output at the masked position (any leading axes are kept).
    wt_index, mt_index : int (``mt_index`` may be an array of ints)
        Token ids of the wild-type and mutant amino acids.
    """
    logits = check_array(logits, "logits", shape_text="(..., vocab_size)")
    vocab = logits.shape[-1] if logits.ndim else 0
    check_int(wt_index, "wt_index", minimum=0, maximum=vocab - 1)
    mutants = np.asarray(mt_index)
    if mutants.dtype.kind not in "iu" or mutants.size == 0 or mutants.min() < 0 or mutants.max() >= vocab:
        raise fail("mt_index", mt_index, f"token ids (integers) between 0 and {vocab - 1}")
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return np.take(log_probs, mt_index, axis=-1) - np.take(log_probs, wt_index, axis=-1)


def masked_marginals(seq: str, lm: ProteinLM):
    """Scores of all single substitutions of ``seq``: ``DataFrame`` (20 amino acids x positions).

    Each position is masked in turn (one forward pass over ``len(seq)`` masked copies); columns
    are named like ``K4`` (wild type, 1-based position); wild-type cells are 0.
    """
    import pandas as pd
    import torch

    seq = check_protein(seq, "seq")
    tokenizer = lm.tokenizer
    ids = tokenizer([seq], return_tensors="pt")["input_ids"].repeat(len(seq), 1)
    positions = torch.arange(len(seq))
    ids[positions, positions + 1] = tokenizer.mask_token_id  # +1: <cls> comes first
    with torch.inference_mode():
        logits = lm.model(input_ids=ids).logits[positions, positions + 1].numpy()
    aa_ids = tokenizer.convert_tokens_to_ids(list(PROTEIN_ALPHABET))
    wt_ids = tokenizer.convert_tokens_to_ids(list(seq))
    scores = np.stack([masked_marginal_score(logits[i], wt_ids[i], aa_ids) for i in range(len(seq))], axis=1)
    columns = [f"{aa}{i + 1}" for i, aa in enumerate(seq)]
    return pd.DataFrame(scores, index=list(PROTEIN_ALPHABET), columns=columns)
