"""seqdl: the small companion package of *Deep Learning for Biological Sequences*.

Modules, one idea each: :mod:`seqdl.encode` (sequences to arrays), :mod:`seqdl.data` (datasets
and splits), :mod:`seqdl.motifs` (JASPAR, PWMs, TOMTOM), :mod:`seqdl.plot` (logos and curves).
Import the module you need; importing :mod:`seqdl` itself loads nothing heavy.
"""

__version__ = "0.1.0"
