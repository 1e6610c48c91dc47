"""Synthetic DNA with known ground truth: dinucleotide shuffles and planted motifs.

Real data never tell us which bases a model *should* use. These generators do: a shuffle keeps a
sequence's composition but destroys its motifs (a baseline for attributions, chapter 9), and
planted motifs put a real JASPAR motif at a recorded position (the ground truth that
chapters 8 and 9 score attribution methods against).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .encode import DNA_ALPHABET
from .validate import check_dna, check_int, check_number, check_positive_int, fail


def dinucleotide_shuffle(seq: str, rng: np.random.Generator) -> str:
    """Shuffle a DNA sequence keeping its exact dinucleotide counts (Altschul & Erickson 1985).

    Uses a random Eulerian walk over the graph whose edges are the sequence's dinucleotides,
    so first and last base and every dinucleotide count are preserved.
    """
    seq = check_dna(seq, "seq")
    if not isinstance(rng, np.random.Generator):
        raise fail("rng", rng, "a numpy.random.Generator, e.g. numpy.random.default_rng(0)")
    if len(seq) < 3:
        return seq
    edges: dict[str, list[str]] = {}
    for a, b in zip(seq, seq[1:]):
        edges.setdefault(a, []).append(b)
    last = seq[-1]
    # A random spanning arborescence towards `last` (Wilson-style random walks): for every other
    # vertex, the edge it leaves by last is fixed so the walk cannot get stranded.
    in_tree = {last}
    last_edge: dict[str, str] = {}
    for start in edges:
        vertex = start
        path: dict[str, str] = {}
        while vertex not in in_tree:
            path[vertex] = edges[vertex][rng.integers(len(edges[vertex]))]
            vertex = path[vertex]
        vertex = start
        while vertex not in in_tree:
            last_edge[vertex] = path[vertex]
            in_tree.add(vertex)
            vertex = path[vertex]
    order: dict[str, list[str]] = {}
    for vertex, targets in edges.items():
        rest = list(targets)
        if vertex in last_edge:
            rest.remove(last_edge[vertex])
        rest = [rest[i] for i in rng.permutation(len(rest))]
        if vertex in last_edge:
            rest.append(last_edge[vertex])
        order[vertex] = rest
    out, vertex = [seq[0]], seq[0]
    pointers = dict.fromkeys(order, 0)
    for _ in range(len(seq) - 1):
        nxt = order[vertex][pointers[vertex]]
        pointers[vertex] += 1
        out.append(nxt)
        vertex = nxt
    return "".join(out)


@dataclass(frozen=True)
class PlantedMotifs:
    """Synthetic sequences with known motif positions.

    ``starts[i]`` is where the positive motif starts in sequence ``i`` (``-1`` where there is
    none); ``motif_length`` its width, so the motif covers ``starts[i] : starts[i] + motif_length``.
    """

    seqs: list[str]
    y: np.ndarray
    starts: np.ndarray
    motif_length: int
    motif: str
    decoy: str | None
    decoy_starts: np.ndarray


def _sample_motif(ppm: np.ndarray, rng: np.random.Generator) -> str:
    return "".join(DNA_ALPHABET[rng.choice(4, p=row / row.sum())] for row in ppm)


def planted_motifs(
    n: int = 2000,
    length: int = 200,
    motif: str = "MA0142.1",
    decoy: str | None = "MA0496.4",
    gc: float = 0.41,
    seed: int = 0,
) -> PlantedMotifs:
    """Random DNA where half the sequences (label 1) carry a JASPAR motif at a recorded place.

    Each sequence is i.i.d. background with G+C fraction ``gc`` (0.41 is the human genome's).
    Positives get one sample of ``motif``'s position probability matrix at a uniformly random
    start; if ``decoy`` is given, negatives get a sample of the decoy motif instead, so a model
    must recognise the motif itself, not just "some motif". Defaults: POU5F1::SOX2 (MA0142.1)
    as the motif and MAFK (MA0496.4) as the decoy -- the two factors of the Oct4-vs-MafK data.
    """
    from .motifs import jaspar_motif

    n = check_positive_int(n, "n")
    length = check_positive_int(length, "length")
    gc = check_number(gc, "gc", minimum=0, maximum=1)
    rng = np.random.default_rng(check_int(seed, "seed", minimum=0))
    target_ppm = jaspar_motif(motif).ppm
    decoy_ppm = jaspar_motif(decoy).ppm if decoy else None
    background = np.array([(1 - gc) / 2, gc / 2, gc / 2, (1 - gc) / 2])
    seqs, ys, starts, decoy_starts = [], [], [], []
    for i in range(n):
        label = i % 2
        bases = list("".join(DNA_ALPHABET[j] for j in rng.choice(4, size=length, p=background)))
        start = decoy_start = -1
        ppm = target_ppm if label == 1 else decoy_ppm
        if ppm is not None:
            if len(ppm) > length:
                raise fail("length", length, f"at least the motif's {len(ppm)} bp")
            position = int(rng.integers(0, length - len(ppm) + 1))
            bases[position : position + len(ppm)] = _sample_motif(ppm, rng)
            start, decoy_start = (position, -1) if label == 1 else (-1, position)
        seqs.append("".join(bases))
        ys.append(label)
        starts.append(start)
        decoy_starts.append(decoy_start)
    return PlantedMotifs(
        seqs=seqs,
        y=np.array(ys, dtype=int),
        starts=np.array(starts, dtype=int),
        motif_length=len(target_ppm),
        motif=motif,
        decoy=decoy,
        decoy_starts=np.array(decoy_starts, dtype=int),
    )
