"""Write tests/data/tomtom_reference.npz: memelite's TOMTOM on fixed queries and JASPAR motifs.

seqdl.motifs.tomtom is a NumPy implementation of TOMTOM; tests/test_motifs.py compares it with
this reference, computed by memelite (Schreiber's numba implementation), which the book used before.
memelite is not part of the book's runtime (its numba functions take minutes to compile in a fresh
Colab session), so install it to regenerate:

    pip install memelite==0.5.0 && python tools/make_tomtom_reference.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from seqdl import motifs

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "tomtom_reference.npz"


def reference_inputs() -> tuple[list[np.ndarray], list[str]]:
    """Queries: random PPMs of several widths, plus real motifs and a piece of one; the target ids."""
    rng = np.random.default_rng(2024)
    jaspar = motifs.jaspar_motifs()
    queries = [rng.dirichlet(np.full(4, 0.5), size=width) for width in (6, 12, 19, 25)]
    queries += [motifs.jaspar_motif("MA0142.1").ppm, motifs.jaspar_motif("MA0496.4").ppm[3:11]]
    target_ids = [m.matrix_id for m in jaspar[::7]] + ["MA0142.1", "MA0496.4"]
    return queries, target_ids


def main() -> None:
    from memelite import tomtom

    queries, target_ids = reference_inputs()
    targets = [motifs.jaspar_motif(key).ppm for key in target_ids]
    p, scores, offsets, overlaps, strands = tomtom(
        [q.T.copy() for q in queries], [t.T.copy() for t in targets], n_target_bins=None, n_jobs=1
    )
    np.savez_compressed(
        OUT,
        p_values=p,
        scores=scores,
        offsets=offsets,
        overlaps=overlaps,
        strands=strands,
        target_ids=target_ids,
    )
    print(f"wrote {OUT}: {len(queries)} queries x {len(targets)} targets")


if __name__ == "__main__":
    main()
