"""Protein language models: ESM-2 through Hugging Face ``transformers``, with an offline fallback.

:func:`load_esm2` loads a pre-trained ESM-2 model from the Hugging Face Hub (or its local cache).
Without a network it builds a *tiny ESM model with the real ESM-2 vocabulary and untrained random
weights* instead, so that the code runs anywhere -- and the returned :class:`ProteinLM` says which
one it is (``pretrained``). Numbers computed with the untrained model exercise the code; they are
not results.

From model outputs to biology: :func:`mean_pool` and :func:`embed` give one vector per protein;
:func:`masked_marginal_score` and :func:`masked_marginals` give zero-shot mutation-effect scores
(Meier et al. 2021). :func:`encoder_block` and :func:`transformer_classifier` are the small
from-scratch Keras transformer of chapter 10, for comparison. ``torch``, ``transformers`` and
``keras`` are imported only when used.
"""

from __future__ import annotations

import functools
import tempfile
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .encode import PROTEIN_ALPHABET, _check_protein

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
    hidden = np.asarray(hidden, dtype=np.float64)
    mask = np.asarray(mask).astype(np.float64)
    if hidden.ndim != 3 or mask.shape != hidden.shape[:2]:
        raise ValueError(
            f"expected hidden (n, length, dim) and mask (n, length), got {hidden.shape} and {mask.shape}"
        )
    counts = mask.sum(axis=1)
    if (counts == 0).any():
        raise ValueError(
            f"sequence {int(np.flatnonzero(counts == 0)[0])} has no position to average (all masked)"
        )
    return (hidden * mask[..., None]).sum(axis=1) / counts[:, None]


def embed(seqs: Sequence[str], lm: ProteinLM, batch_size: int = 32) -> np.ndarray:
    """Mean-pooled last-layer embeddings, ``(len(seqs), hidden_size)`` float32, in input order.

    Sequences are batched by length (less padding); special tokens and padding are excluded from
    the mean. ESM-2 takes at most 1,022 residues: longer sequences are truncated.
    """
    import torch

    seqs = [_check_protein(s) for s in seqs]
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
    logits = np.asarray(logits, dtype=np.float64)
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

    seq = _check_protein(seq)
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


# --------------------------------------------------------------------------- from-scratch Keras model


@functools.cache
def _token_and_position_embedding():
    import keras

    class TokenAndPositionEmbedding(keras.layers.Layer):
        """Learned token + position embeddings, ``(batch, length)`` ids -> ``(batch, length, dim)``."""

        def __init__(self, vocab_size: int, max_len: int, dim: int, **kwargs):
            super().__init__(**kwargs)
            self.vocab_size, self.max_len, self.dim = vocab_size, max_len, dim
            self.token = keras.layers.Embedding(vocab_size, dim)
            self.position = keras.layers.Embedding(max_len, dim)

        def call(self, ids):
            positions = keras.ops.arange(keras.ops.shape(ids)[-1])
            return self.token(ids) + self.position(positions)[None]

        def get_config(self):
            return super().get_config() | {
                "vocab_size": self.vocab_size,
                "max_len": self.max_len,
                "dim": self.dim,
            }

    return TokenAndPositionEmbedding


def encoder_block(x, attention_mask, num_heads: int, ff_dim: int, dropout: float = 0.1, name: str = "block"):
    """One post-norm transformer encoder block (Vaswani et al. 2017), Keras functional API.

    ``x``: ``(batch, length, dim)``; ``attention_mask``: ``(batch, 1, length)``, True at the keys
    every query may attend to (the residues, not the padding). Self-attention and a feed-forward
    network, each followed by dropout, a residual connection and layer normalisation.
    """
    from keras import layers

    dim = x.shape[-1]
    attention = layers.MultiHeadAttention(num_heads, dim // num_heads, dropout=dropout, name=f"{name}_mha")(
        x, x, attention_mask=attention_mask
    )
    x = layers.LayerNormalization(name=f"{name}_norm1")(layers.Add()([x, layers.Dropout(dropout)(attention)]))
    hidden = layers.Dense(ff_dim, activation="relu", name=f"{name}_ffn1")(x)
    hidden = layers.Dense(dim, name=f"{name}_ffn2")(hidden)
    return layers.LayerNormalization(name=f"{name}_norm2")(layers.Add()([x, layers.Dropout(dropout)(hidden)]))


def transformer_classifier(
    max_len: int,
    vocab_size: int = len(PROTEIN_ALPHABET) + 1,
    dim: int = 32,
    num_heads: int = 4,
    ff_dim: int = 64,
    num_blocks: int = 1,
    dropout: float = 0.1,
):
    """The small transformer encoder classifier of chapter 10 (Keras), one sigmoid output.

    Input: integer tokens ``(n, length <= max_len)`` with 0 = padding (:func:`seqdl.encode.protein_batch`).
    Token + learned position embeddings, ``num_blocks`` :func:`encoder_block` s, then the mean over
    the residues. The padding mask is passed explicitly to every attention layer and to the pooling,
    so padding cannot change a prediction.
    """
    import keras
    from keras import layers

    ids = keras.Input(shape=(None,), dtype="int32", name="tokens")
    is_residue = keras.ops.not_equal(ids, 0)  # (batch, length)
    attention_mask = keras.ops.expand_dims(is_residue, axis=1)  # (batch, 1, length): keys to attend to
    x = _token_and_position_embedding()(vocab_size, max_len, dim, name="embedding")(ids)
    for block in range(num_blocks):
        x = encoder_block(x, attention_mask, num_heads, ff_dim, dropout, name=f"block{block}")
    pooled = layers.GlobalAveragePooling1D(name="mean_over_residues")(x, mask=is_residue)
    output = layers.Dense(1, activation="sigmoid", name="p_positive")(pooled)
    return keras.Model(ids, output, name="transformer_classifier")
