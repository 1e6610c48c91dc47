"""Transcription-factor motifs: JASPAR access, position weight matrices, scanning, TOMTOM matching.

All matrices here are ``(length, 4)`` in A, C, G, T column order, like the one-hot encoding.
JASPAR comes from the SQLite database bundled with ``pyjaspar`` (no network needed); the
release is pinned in :data:`JASPAR_RELEASE` so results do not drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .encode import DNA_ALPHABET
from .validate import (
    check_known,
    check_matrix4,
    check_number,
    check_positive_int,
    check_probability_rows,
    check_str,
    fail,
)

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
    check_str(key, "key")
    db = _jaspar_db()
    if key[:2] in ("MA", "PB", "PF", "PH", "PL", "UN", "CN", "PR") and "." in key:
        motif = db.fetch_motif_by_id(key)
        if motif is None:
            raise fail("key", key, f"a JASPAR matrix id of {JASPAR_RELEASE} such as 'MA0142.1'")
        return _from_biopython(motif)
    matches = [m for m in jaspar_motifs() if m.name.upper() == key.upper()]
    if not matches:
        check_known(
            key, "key", [m.name for m in jaspar_motifs()], f"vertebrate CORE motif name of {JASPAR_RELEASE}"
        )
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
    counts = check_matrix4(counts, "counts")
    check_number(pseudocount, "pseudocount", minimum=0)
    if (counts < 0).any():
        raise fail("counts", counts, "non-negative counts")
    smoothed = counts + pseudocount / 4
    return smoothed / smoothed.sum(axis=1, keepdims=True)


def ppm_to_pwm(ppm: np.ndarray, background: np.ndarray = BACKGROUND) -> np.ndarray:
    """Log2-odds position weight matrix ``log2(p / background)``, shape ``(length, 4)``."""
    ppm = check_probability_rows(ppm, "ppm")
    if (ppm <= 0).any():
        raise fail("ppm", ppm, "probabilities > 0 for log-odds (add a pseudocount first: counts_to_ppm)")
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
    onehot = check_matrix4(onehot, "onehot")
    pwm = check_matrix4(pwm, "pwm")
    width = len(pwm)
    if width > len(onehot):
        raise fail("pwm", pwm, f"a motif no longer than the sequence ({len(onehot)} bp), got {width} bp")
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


# --------------------------------------------------------------------------- TOMTOM

TOMTOM_SCORE_BINS = 100  # integer levels of a column score (the t of Gupta et al. 2007)
TOMTOM_MEDIAN_BINS = 1000  # bins of the histogram that approximates each column's median score


@dataclass(frozen=True)
class TomtomResult:
    """:func:`tomtom`'s answer, each array of shape ``(n_queries, n_targets)``.

    ``p_values``: of the best alignment, both strands considered; ``scores``: that alignment's
    integer score; ``offsets``: target column minus query column at the alignment, so target
    column 0 lies under query column ``-offset`` (negative: the target starts right of the query's
    first column; positive: left of it); ``overlaps``: aligned columns; ``strands``: 1 where the
    target's reverse complement aligns best.
    """

    p_values: np.ndarray
    scores: np.ndarray
    offsets: np.ndarray
    overlaps: np.ndarray
    strands: np.ndarray


def _binned_median(values: np.ndarray, n_bins: int) -> float:
    """The median approximated by a histogram: the mean of the values in the bin holding the middle."""
    low, high = values.min(), values.max()
    if high == low:
        return float(low)
    index = ((values - low) / (high - low) * (n_bins - 1)).astype(np.int64)
    counts = np.bincount(index, minlength=n_bins).astype(np.float64)
    sums = np.bincount(index, weights=values, minlength=n_bins)
    middle = int(np.argmax(np.cumsum(counts) >= len(values) / 2))
    return float(sums[middle] / counts[middle])


def _pmf_of_max(x: np.ndarray | None, y: np.ndarray, y_cdf: np.ndarray) -> np.ndarray:
    """Distribution of max(X, Y) for independent X and Y (``x=None``: there is no X yet)."""
    if x is None:
        return y.copy()
    return x * y_cdf + y * np.cumsum(x) - x * y


def _query_tables(query: np.ndarray, columns: np.ndarray, max_target: int, n_bins: int):
    """Integer column scores of one query against every target column, and the null distributions.

    Returns ``(scores, survival, zero)``: ``scores[j, i]`` is the binned score of target column
    ``j`` against query column ``i``, shifted so that an unaligned column scores ``zero``;
    ``survival[t, s - 1]`` is the probability that the best alignment with a random target of
    ``t`` columns scores at least ``s``.
    """
    width = len(query)
    squared = (query**2).sum(axis=1)[None, :] + (columns**2).sum(axis=1)[:, None] - 2 * columns @ query.T
    raw = -np.sqrt(np.clip(squared, 0.0, None))  # the column score: minus the Euclidean distance
    medians = np.array([_binned_median(raw[:, i], TOMTOM_MEDIAN_BINS) for i in range(width)])
    centred = raw - medians  # 0 = a typical column, the score of a column left unaligned
    low = int(np.floor(centred.min()))
    scale = int(np.floor(n_bins / (centred.max() - low)))
    zero = -low * scale
    binned = np.floor((centred - low) * scale + 0.5).astype(np.int64)  # 0 .. n_bins
    frequencies = np.stack([np.bincount(binned[:, i], minlength=n_bins + 1) for i in range(width)]) / len(
        columns
    )
    frequencies[:, 0] = 0.0  # the lowest level is left out of the null, as in TOMTOM
    length = n_bins * width + width * zero
    # span[(i, j)]: the total score when query columns i..j are aligned and the others are not.
    span_pmf, span_cdf = {}, {}
    for i in range(width):
        running = frequencies[i]
        for j in range(i, width):
            if j > i:
                running = np.convolve(running, frequencies[j])
            pmf = np.zeros(length)
            start = zero * (width - (j - i + 1))
            end = min(length, start + len(running))
            pmf[start:end] = running[: end - start]
            cdf = np.cumsum(pmf)
            cdf[min(length, n_bins * (j + 1) + start) :] = 1.0
            span_pmf[i, j], span_cdf[i, j] = pmf, cdf

    def with_span(best, i, j):
        return _pmf_of_max(best, span_pmf[i, j], span_cdf[i, j])

    best: list[np.ndarray | None] = [None] * (max_target + 1)
    for t in range(
        1, min(width, max_target + 1)
    ):  # overhangs only, for targets at least as long as the query
        best[t] = with_span(with_span(best[t - 1], 0, t - 1), width - t, width - 1)
    for t in range(width, max_target + 1):  # every extra target column adds one complete alignment
        best[t] = with_span(best[t - 1], 0, width - 1)
    for t in range(1, min(width, max_target + 1)):  # a target shorter than the query
        pmf = None
        for j in range(width - t + 1):
            pmf = with_span(pmf, j, j + t - 1)
        for j in range(t - 1):
            pmf = with_span(with_span(pmf, 0, j), width - 1 - j, width - 1)
        best[t] = pmf
    survival = np.zeros((max_target + 1, length))
    for t in range(1, max_target + 1):
        survival[t] = np.clip(1 - np.cumsum(best[t]), 0.0, None)
    return binned - zero, survival, zero


def _best_alignments(scores: np.ndarray, survival: np.ndarray, zero: int, lengths: np.ndarray):
    """Best alignment of one query with each target: ``(p, score, offset, overlap)`` arrays."""
    width = scores.shape[1]
    starts = np.concatenate([[0], np.cumsum(lengths)])
    results = np.zeros((len(lengths), 4))
    for length in np.unique(lengths):
        which = np.flatnonzero(lengths == length)
        block = np.stack([scores[starts[k] : starts[k] + length] for k in which])  # (n, length, width)
        n_positions = length + width - 1
        totals = np.full((len(which), n_positions), width * zero, dtype=np.int64)
        for i in range(width):  # target column c meets query column i at position c - i + width - 1
            totals[:, width - 1 - i : width - 1 - i + length] += block[:, :, i]
        position = np.arange(n_positions)
        overlap = np.minimum(position + 1, width) - np.maximum(0, position - length + 1)
        best_score = totals.max(axis=1)
        # Ties: the largest overlap, then the leftmost alignment.
        key = np.where(totals == best_score[:, None], overlap[None, :], -1)
        chosen = key.argmax(axis=1)
        results[which, 0] = survival[length, best_score - 1]
        results[which, 1] = best_score
        results[which, 2] = chosen - width + 1
        results[which, 3] = overlap[chosen]
    return results


def tomtom(
    queries: list[np.ndarray], targets: list[np.ndarray], n_bins: int = TOMTOM_SCORE_BINS
) -> TomtomResult:
    """TOMTOM motif comparison (Gupta et al. 2007), in NumPy: p-values of the best alignments.

    What it computes, as memelite's ``tomtom`` (Schreiber's implementation, to which this one
    agrees -- ``tests/test_motifs.py``) does:

    1. **Column score**: minus the Euclidean distance between a query column and a target column
       (MEME's own TOMTOM defaults to Pearson correlation instead).
    2. For every query column, its scores against *all* columns of *all* targets (both strands)
       form its null distribution; the median is subtracted, so an average column scores 0, and
       scores are binned into ``n_bins`` integer levels.
    3. An alignment's score is the sum over all query columns, unaligned ones (overhangs) scoring 0
       -- TOMTOM's "complete" score. The null distribution of a sum over a span of query columns is
       the convolution of their column distributions (columns assumed independent).
    4. For a target of ``t`` columns, the best alignment is the maximum over all offsets, so its
       p-value comes from the distribution of that maximum, which depends on ``t`` only.
    5. Both strands: ``p = 1 - (1 - min(p_forward, p_reverse))**2``.

    Parameters
    ----------
    queries, targets : list of numpy.ndarray, each shape=(width, 4)
        Position probability matrices in A, C, G, T order (rows sum to 1).
    n_bins : int
        Integer levels of a column score.

    Returns
    -------
    TomtomResult
    """
    queries = [check_probability_rows(q, f"queries[{i}]") for i, q in enumerate(queries)]
    targets = [check_probability_rows(t, f"targets[{i}]") for i, t in enumerate(targets)]
    n_bins = check_positive_int(n_bins, "n_bins")
    if not queries or not targets:
        raise fail("queries" if not queries else "targets", [], "at least one motif")
    both = targets + [t[::-1, ::-1] for t in targets]  # reverse complements after the forward strands
    lengths = np.array([len(t) for t in both])
    columns = np.concatenate(both)
    n = len(targets)
    out = {name: np.zeros((len(queries), n)) for name in ("p", "score", "offset", "overlap", "strand")}
    for q, query in enumerate(queries):
        scores, survival, zero = _query_tables(query, columns, int(lengths.max()), n_bins)
        best = _best_alignments(scores, survival, zero, lengths)
        forward, reverse = best[:n], best[n:]
        rc = reverse[:, 1] >= forward[:, 1]
        chosen = np.where(rc[:, None], reverse, forward)
        out["p"][q] = 1 - (1 - np.minimum(forward[:, 0], reverse[:, 0])) ** 2
        out["score"][q], out["offset"][q], out["overlap"][q] = chosen[:, 1], chosen[:, 2], chosen[:, 3]
        out["strand"][q] = rc
    return TomtomResult(
        out["p"],
        out["score"].astype(int),
        out["offset"].astype(int),
        out["overlap"].astype(int),
        out["strand"].astype(int),
    )


def tomtom_match(
    queries: list[np.ndarray],
    targets: list[Motif] | None = None,
    query_names: list[str] | None = None,
    top: int = 3,
):
    """Compare query matrices with JASPAR motifs using TOMTOM (:func:`tomtom`), as a table.

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

    targets = jaspar_motifs() if targets is None else targets
    query_names = query_names or [f"query_{i}" for i in range(len(queries))]
    top = check_positive_int(top, "top")
    if len(query_names) != len(queries):
        raise fail("query_names", query_names, f"one name per query ({len(queries)})")
    queries = [check_probability_rows(query, f"queries[{i}]") for i, query in enumerate(queries)]
    result = tomtom(queries, [t.ppm for t in targets])
    p, offsets, overlaps, strands = result.p_values, result.offsets, result.overlaps, result.strands
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
