"""seqdl: the small companion package of *Deep Learning for Biological Sequences*.

One module per idea, so that a reader guesses the file from the name:

- :mod:`seqdl.encode` -- sequences to arrays and back (one-hot DNA in A, C, G, T order, protein tokens);
- :mod:`seqdl.data` -- the datasets: registry with sources, licences and checksums, loaders, splits;
- :mod:`seqdl.simulate` -- synthetic DNA with known truth: dinucleotide shuffles, planted motifs;
- :mod:`seqdl.models` -- every model the chapters and tests reuse, and how they are trained;
- :mod:`seqdl.evaluate` -- comparisons over seeds and bootstrap intervals, winners chosen on validation;
- :mod:`seqdl.motifs` -- JASPAR, position weight matrices, scanning, TOMTOM;
- :mod:`seqdl.interpret` -- mutagenesis, saliency, Integrated Gradients, first-layer filters;
- :mod:`seqdl.deploy` -- export to a SavedModel and a TensorFlow.js graph model, and check it;
- :mod:`seqdl.protein_lm` -- ESM-2 through Hugging Face ``transformers`` (offline stand-in included);
- :mod:`seqdl.plot` -- logos, training curves, ROC and precision-recall curves (Okabe-Ito colours);
- :mod:`seqdl.report` -- numbers from cells into the prose (glue), run times;
- :mod:`seqdl.validate` -- the input checks every public function shares.

Import the module you need; importing :mod:`seqdl` itself loads nothing heavy.
"""

__version__ = "0.2.0"
