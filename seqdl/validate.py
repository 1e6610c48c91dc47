"""Input checks shared by every public function of :mod:`seqdl`.

One contract, as in scikit-learn's ``utils.validation`` and tangermeme's ersatz checks: a bad
argument raises :class:`ValueError` with the message ``"{name}={value!r}: expected ..."`` -- the
argument's name, the offending value (shortened when long) and what would have been accepted --
and checks never modify their input (arrays come back as copies).

    >>> check_positive_int(2.5, "k")
    Traceback (most recent call last):
    ...
    ValueError: k=2.5: expected a positive integer (not a float or bool)
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

DNA_ALPHABET = "ACGT"
DNA_CHARACTERS = "ACGTN"
PROTEIN_ALPHABET = "ACDEFGHIKLMNPQRSTVWY"
_MAX_SHOWN = 60  # characters of a value's repr shown in a message
_DROP_DNA = str.maketrans("", "", DNA_CHARACTERS)
_DROP_PROTEIN = str.maketrans("", "", PROTEIN_ALPHABET)


def shown(value) -> str:
    """``repr(value)``, shortened to about 60 characters (arrays show their shape and dtype)."""
    if isinstance(value, np.ndarray):
        return f"<array of shape {value.shape}, dtype {value.dtype}>"
    text = repr(value)
    if len(text) <= _MAX_SHOWN:
        return text
    closing = text[-1] if text[-1] in "'\")]}" else ""
    return text[: _MAX_SHOWN - 3 - len(closing)] + "..." + closing


def fail(name: str, value, expected: str) -> ValueError:
    """The error every check raises: ``name=value: expected ...``."""
    return ValueError(f"{name}={shown(value)}: expected {expected}")


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_int(value, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """An integer (``bool`` and floats such as ``2.0`` are refused) within ``[minimum, maximum]``."""
    low = "" if minimum is None else f" >= {minimum}"
    high = "" if maximum is None else f" <= {maximum}"
    wanted = f"an integer{low}{' and' if low and high else ''}{high} (not a float or bool)"
    if (
        not _is_int(value)
        or (minimum is not None and value < minimum)
        or (maximum is not None and value > maximum)
    ):
        raise fail(name, value, wanted)
    return int(value)


def check_positive_int(value, name: str) -> int:
    """An integer >= 1; ``True``, ``2.0`` and ``"3"`` are refused."""
    if not _is_int(value) or value < 1:
        raise fail(name, value, "a positive integer (not a float or bool)")
    return int(value)


def check_number(value, name: str, minimum: float | None = None, maximum: float | None = None) -> float:
    """A finite real number (not ``bool``) within ``[minimum, maximum]``."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
    if ok:
        ok = (
            np.isfinite(value)
            and (minimum is None or value >= minimum)
            and (maximum is None or value <= maximum)
        )
    if not ok:
        bounds = [
            f">= {minimum}" if minimum is not None else "",
            f"<= {maximum}" if maximum is not None else "",
        ]
        suffix = " and ".join(b for b in bounds if b)
        raise fail(name, value, f"a finite number{' ' + suffix if suffix else ''}")
    return float(value)


def check_bool(value, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise fail(name, value, "True or False")
    return bool(value)


def check_str(value, name: str) -> str:
    if not isinstance(value, str):
        raise fail(name, value, f"a str, got {type(value).__name__}")
    return value


def check_choice(value, name: str, choices: Iterable) -> object:
    """One of ``choices`` (compared with ``==``)."""
    choices = list(choices)
    if value not in choices:
        raise fail(name, value, "one of " + ", ".join(repr(c) for c in choices))
    return value


def check_known(value, name: str, known: Iterable[str], what: str) -> str:
    """A known key, such as a motif name: the message lists a few of the known ones."""
    known = list(known)
    if value not in known:
        examples = ", ".join(repr(k) for k in known[:5])
        raise fail(name, value, f"a known {what} ({len(known)} known, e.g. {examples})")
    return value


# --------------------------------------------------------------------------- sequences


def _check_letters(seq, name: str, allowed: str, drop: dict, what: str, expected: str) -> str:
    check_str(seq, name)
    upper = seq.upper()
    if seq.isascii() and not upper.translate(drop):  # the fast path, for valid sequences
        return upper
    for position, char in enumerate(seq):  # char by char: upper() of "ß" is "SS", two letters
        if char.upper() not in allowed:
            raise fail(name, seq, f"{expected}; invalid {what} {char!r} at position {position}")
    return upper


def check_dna(seq, name: str = "seq") -> str:
    """A DNA string of A, C, G, T, N in any case, upper-cased (soft-masked repeats are lower case)."""
    return _check_letters(seq, name, DNA_CHARACTERS, _DROP_DNA, "base", "only A, C, G, T, N (any case)")


def check_protein(seq, name: str = "seq") -> str:
    """A protein string of the 20 standard one-letter amino acids in any case; returned upper-cased."""
    expected = f"only the 20 standard amino acids {PROTEIN_ALPHABET}"
    return _check_letters(seq, name, PROTEIN_ALPHABET, _DROP_PROTEIN, "residue", expected)


def check_sequences(seqs, name: str = "seqs") -> list:
    """A list, tuple or array of sequences (not a single string); returned as a list."""
    if isinstance(seqs, str) or not isinstance(seqs, (list, tuple, np.ndarray)):
        raise fail(name, seqs, "a list of sequences (for one sequence, pass [seq])")
    return list(seqs)


# --------------------------------------------------------------------------- arrays


def check_array(
    x, name: str, ndim: int | None = None, last: int | None = None, shape_text: str = ""
) -> np.ndarray:
    """A float64 copy of a finite numeric array with ``ndim`` axes and ``last`` entries on the last axis."""
    try:
        array = np.array(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise fail(name, x, f"a numeric array{' of shape ' + shape_text if shape_text else ''}") from None
    if (ndim is not None and array.ndim != ndim) or (
        last is not None and (array.ndim == 0 or array.shape[-1] != last)
    ):
        raise fail(
            name, x, f"an array of shape {shape_text or '(..., ' + str(last) + ')'}, got shape {array.shape}"
        )
    if not np.isfinite(array).all():
        raise fail(name, x, "finite values (no NaN or infinity)")
    return array


def check_matrix4(matrix, name: str = "matrix") -> np.ndarray:
    """A ``(length, 4)`` matrix in A, C, G, T column order, as a float64 copy."""
    return check_array(matrix, name, ndim=2, last=4, shape_text="(length, 4) in A, C, G, T order")


def check_onehot(x, name: str = "x", batch: bool = False) -> np.ndarray:
    """A float32 copy of one-hot DNA ``(length, 4)`` (``batch``: ``(n, length, 4)``, n >= 1).

    Each row must be all zeros (``N`` or padding) or hold a single 1; the message names the first
    row that does not.
    """
    shape_text = "(n, length, 4) with n >= 1" if batch else "(length, 4)"
    array = check_array(
        x, name, ndim=3 if batch else 2, last=4, shape_text=shape_text + " in A, C, G, T order"
    )
    if batch and len(array) == 0:
        raise fail(name, x, f"an array of shape {shape_text}, got shape {array.shape}")
    rows = array.reshape(-1, 4)
    bad = ~((rows == 0) | (rows == 1)).all(axis=1) | (rows.sum(axis=1) > 1)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        where = f"sequence {row // array.shape[-2]}, row {row % array.shape[-2]}" if batch else f"row {row}"
        raise fail(
            name,
            x,
            f"one-hot rows (a single 1, or all zeros for N); {where} is {rows[row].tolist()}. "
            "Encode sequences with seqdl.encode.one_hot_encode",
        )
    return array.astype(np.float32)


def check_probability_rows(matrix, name: str = "ppm", atol: float = 1e-3) -> np.ndarray:
    """A ``(length, 4)`` matrix whose rows are probabilities (>= 0, summing to 1 within ``atol``)."""
    array = check_matrix4(matrix, name)
    sums = array.sum(axis=1)
    bad = np.flatnonzero((array < 0).any(axis=1) | (np.abs(sums - 1) > atol))
    if len(bad):
        row = int(bad[0])
        raise fail(
            name,
            matrix,
            f"rows of probabilities (>= 0, summing to 1); row {row} is {np.round(array[row], 4).tolist()} "
            f"with sum {sums[row]:.4g}",
        )
    return array
