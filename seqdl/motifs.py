"""Transcription-factor motifs: JASPAR access, position weight matrices, scanning, TOMTOM matching.

All matrices here are ``(length, 4)`` in A, C, G, T column order, like the one-hot encoding.
JASPAR comes from the SQLite database bundled with ``pyjaspar`` (no network needed); the
release is pinned in :data:`JASPAR_RELEASE` so results do not drift.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .encode import DNA_ALPHABET

JASPAR_RELEASE = "JASPAR2024"
BACKGROUND = np.full(4, 0.25)  # uniform A, C, G, T


@dataclass(frozen=True)
class Motif:
    """A JASPAR profile: ``counts`` is ``(length, 4)`` in A, C, G, T order."""

    matrix_id: str
    name: str
    counts: np.ndarray

    @property
    def ppm(self) -> np.ndarray:
        """Position probability matrix (rows sum to 1), with a 0.8 total pseudocount per row."""
        return counts_to_ppm(self.counts)

    @property
    def length(self) -> int:
        return len(self.counts)


def _from_biopython(motif) -> Motif:
    counts = np.array([motif.counts[base] for base in DNA_ALPHABET], dtype=float).T
    return Motif(motif.matrix_id, motif.name, counts)


@lru_cache(maxsize=1)
def _jaspar_db():
    from pyjaspar import jaspardb

    return jaspardb(release=JASPAR_RELEASE)


def jaspar_motif(key: str) -> Motif:
    """One JASPAR motif by matrix id (``"MA0142.1"``) or by name (``"Pou5f1::Sox2"``, any case)."""
    db = _jaspar_db()
    if key[:2] in ("MA", "PB", "PF", "PH", "PL", "UN", "CN", "PR") and "." in key:
        motif = db.fetch_motif_by_id(key)
        if motif is None:
            raise KeyError(f"no JASPAR motif with id {key!r} in {JASPAR_RELEASE}")
        return _from_biopython(motif)
    matches = [m for m in jaspar_motifs() if m.name.upper() == key.upper()]
    if not matches:
        raise KeyError(f"no vertebrate CORE motif named {key!r} in {JASPAR_RELEASE}")
    return matches[0]


@lru_cache(maxsize=4)
def _jaspar_collection(collection: str, tax_group: str) -> tuple[Motif, ...]:
    motifs = _jaspar_db().fetch_motifs(collection=collection, tax_group=[tax_group])
    return tuple(_from_biopython(m) for m in motifs)


def jaspar_motifs(collection: str = "CORE", tax_group: str = "vertebrates") -> list[Motif]:
    """The latest version of every motif in a JASPAR collection (default: vertebrate CORE)."""
    return list(_jaspar_collection(collection, tax_group))


def counts_to_ppm(counts: np.ndarray, pseudocount: float = 0.8) -> np.ndarray:
    """Counts ``(length, 4)`` -> probabilities, adding ``pseudocount`` spread over the 4 bases."""
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 2 or counts.shape[1] != 4:
        raise ValueError(f"expected counts of shape (length, 4), got {counts.shape}")
    if (counts < 0).any():
        raise ValueError("counts must be non-negative")
    smoothed = counts + pseudocount / 4
    return smoothed / smoothed.sum(axis=1, keepdims=True)


def ppm_to_pwm(ppm: np.ndarray, background: np.ndarray = BACKGROUND) -> np.ndarray:
    """Log2-odds position weight matrix ``log2(p / background)``, shape ``(length, 4)``."""
    ppm = np.asarray(ppm, dtype=float)
    if ppm.ndim != 2 or ppm.shape[1] != 4:
        raise ValueError(f"expected a (length, 4) matrix, got {ppm.shape}")
    if (ppm <= 0).any():
        raise ValueError("probabilities must be > 0 for log-odds; add a pseudocount first")
    return np.log2(ppm / background)


def information_content(ppm: np.ndarray, background: np.ndarray = BACKGROUND) -> np.ndarray:
    """Per-position information content in bits (0 = uninformative, 2 = one certain base)."""
    ppm = np.asarray(ppm, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(ppm > 0, ppm * np.log2(ppm / background), 0.0)
    return terms.sum(axis=1)


def scan_pwm(onehot: np.ndarray, pwm: np.ndarray, both_strands: bool = True) -> np.ndarray:
    """Score every window of a one-hot sequence with a PWM -- what a Conv1D filter computes.

    Parameters
    ----------
    onehot : numpy.ndarray, shape=(length, 4)
    pwm : numpy.ndarray, shape=(width, 4)
    both_strands : bool
        Also score the reverse complement of the motif and keep the larger score per window.

    Returns
    -------
    numpy.ndarray, shape=(length - width + 1,)
        Score of the window starting at each position.
    """
    onehot = np.asarray(onehot, dtype=float)
    pwm = np.asarray(pwm, dtype=float)
    if onehot.ndim != 2 or onehot.shape[1] != 4 or pwm.ndim != 2 or pwm.shape[1] != 4:
        raise ValueError(f"expected (length, 4) and (width, 4), got {onehot.shape} and {pwm.shape}")
    width = len(pwm)
    if width > len(onehot):
        raise ValueError(f"motif of width {width} is longer than the sequence ({len(onehot)})")
    windows = np.lib.stride_tricks.sliding_window_view(onehot, (width, 4))[:, 0]
    scores = np.einsum("nwc,wc->n", windows, pwm)
    if both_strands:
        scores = np.maximum(scores, np.einsum("nwc,wc->n", windows, pwm[::-1, ::-1]))
    return scores


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg q-values (false discovery rate) for an array of p-values."""
    p = np.asarray(p_values, dtype=float)
    flat = p.ravel()
    order = np.argsort(flat)
    ranked = flat[order] * len(flat) / np.arange(1, len(flat) + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty_like(flat)
    q[order] = np.minimum(q_sorted, 1.0)
    return q.reshape(p.shape)


def tomtom_match(
    queries: list[np.ndarray],
    targets: list[Motif] | None = None,
    query_names: list[str] | None = None,
    top: int = 3,
):
    """Compare query matrices with JASPAR motifs using TOMTOM (memelite's implementation).

    Every query is compared with every target (both strands; motifs of different lengths are
    aligned with overhangs, so long JASPAR motifs and short filters can match). P-values are
    corrected for all ``len(queries) * len(targets)`` comparisons with Benjamini-Hochberg.

    Parameters
    ----------
    queries : list of numpy.ndarray, each shape=(width, 4)
        Position probability matrices (rows sum to 1), e.g. from first-layer filters.
    targets : list of Motif, optional
        Defaults to JASPAR vertebrate CORE.
    query_names : list of str, optional
    top : int
        How many best targets to report per query.

    Returns
    -------
    pandas.DataFrame
        One row per (query, rank): ``query``, ``rank``, ``target_id``, ``target_name``,
        ``p_value``, ``q_value``, ``offset``, ``overlap``, ``strand``.
    """
    import pandas as pd
    from memelite import tomtom

    targets = jaspar_motifs() if targets is None else targets
    query_names = query_names or [f"query_{i}" for i in range(len(queries))]
    if len(query_names) != len(queries):
        raise ValueError("query_names must have one name per query")
    for name, query in zip(query_names, queries):
        query = np.asarray(query)
        if query.ndim != 2 or query.shape[1] != 4:
            raise ValueError(f"{name}: expected a (width, 4) matrix, got {query.shape}")
        if not np.allclose(query.sum(axis=1), 1, atol=1e-3):
            raise ValueError(f"{name}: rows must be probabilities summing to 1")
    qs = [np.asarray(q, dtype=np.float64).T.copy() for q in queries]
    ts = [t.ppm.T.copy() for t in targets]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        p, _, offsets, overlaps, strands = tomtom(qs, ts, n_jobs=1)
    q = benjamini_hochberg(p)
    rows = []
    for i, name in enumerate(query_names):
        for rank, j in enumerate(np.argsort(p[i])[:top], start=1):
            rows.append(
                {
                    "query": name,
                    "rank": rank,
                    "target_id": targets[j].matrix_id,
                    "target_name": targets[j].name,
                    "p_value": float(p[i, j]),
                    "q_value": float(q[i, j]),
                    "offset": int(offsets[i, j]),
                    "overlap": int(overlaps[i, j]),
                    "strand": "-" if strands[i, j] else "+",
                }
            )
    return pd.DataFrame(rows)
