"""The error contract of every public seqdl function: one table of bad calls and the message each gives.

Every bad argument raises ValueError with ``"{name}={value!r}: expected ..."``: the argument, the
offending value and what would have been accepted. Adding a public function means adding its rows.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest

from seqdl import (
    data,
    encode,
    evaluate,
    interpret,
    models,
    motifs,
    plot,
    protein_lm,
    report,
    simulate,
    splits,
    validate,
)

ONEHOT = encode.one_hot_encode("ACGTACGTACGTACGTACGTACGTACGTACGTACGTACGT")  # 40 bp


@functools.cache
def tiny_model():
    """A logit CNN on 40-bp inputs, untrained: enough to exercise the input checks."""
    return models.logit_cnn(seq_len=40, n_filters=4, width=5)


def two_outputs():
    import keras

    inputs = keras.Input((40, 4))
    return keras.Model(inputs, keras.layers.Dense(2)(keras.layers.GlobalMaxPooling1D()(inputs)))


HALF = np.full((40, 4), 0.5)
BAD_CALLS = [
    # (id, call, message that must appear)
    (
        "one_hot_encode bad base",
        lambda: encode.one_hot_encode("ACXT"),
        "seq='ACXT': expected only A, C, G, T, N",
    ),
    ("one_hot_encode position", lambda: encode.one_hot_encode("ACGTU"), "invalid base 'U' at position 4"),
    ("one_hot_encode not a str", lambda: encode.one_hot_encode(["A", "C"]), "seq=['A', 'C']: expected a str"),
    ("one_hot_encode non-ASCII", lambda: encode.one_hot_encode("acgß"), "invalid base 'ß' at position 3"),
    (
        "one_hot_batch length float",
        lambda: encode.one_hot_batch(["ACGT"], 2.5),
        "length=2.5: expected a positive",
    ),
    (
        "one_hot_batch length bool",
        lambda: encode.one_hot_batch(["ACGT"], True),
        "length=True: expected a positive",
    ),
    ("one_hot_batch one string", lambda: encode.one_hot_batch("ACGT", 4), "seqs='ACGT': expected a list"),
    ("one_hot_batch which sequence", lambda: encode.one_hot_batch(["ACGT", "AC-T"], 4), "seqs[1]='AC-T'"),
    ("decode shape", lambda: encode.decode(np.zeros((3, 5))), "onehot=<array of shape (3, 5)"),
    (
        "reverse_complement bad",
        lambda: encode.reverse_complement("ACGZ"),
        "seq='ACGZ': expected only A, C, G, T, N",
    ),
    (
        "reverse_complement_onehot",
        lambda: encode.reverse_complement_onehot(np.zeros(4)),
        "onehot=<array of shape (4,)",
    ),
    (
        "kmer_counts k float",
        lambda: encode.kmer_counts(["ACGT"], 2.5),
        "k=2.5: expected an integer >= 1 and <= 8",
    ),
    (
        "kmer_counts k too big",
        lambda: encode.kmer_counts(["ACGT"], 9),
        "k=9: expected an integer >= 1 and <= 8",
    ),
    ("kmer_counts one string", lambda: encode.kmer_counts("ACGT", 2), "seqs='ACGT': expected a list"),
    (
        "protein_to_indices bad residue",
        lambda: encode.protein_to_indices("MKX"),
        "seq='MKX': expected only the 20 standard",
    ),
    (
        "protein_batch length",
        lambda: encode.protein_batch(["MK"], 0),
        "length=0: expected a positive integer",
    ),
    ("amino_acid_composition", lambda: encode.amino_acid_composition("MKV"), "seqs='MKV': expected a list"),
    (
        "load_oct4_mafk split",
        lambda: data.load_oct4_mafk(split="random_chr"),
        "split='random_chr': expected one of",
    ),
    (
        "load_oct4_mafk seed",
        lambda: data.load_oct4_mafk(split="random", seed=-1),
        "seed=-1: expected an integer >= 0",
    ),
    (
        "load_amp split",
        lambda: data.load_amp(split="cluster"),
        "split='cluster': expected one of 'identity', 'random'",
    ),
    (
        "load_amp seed",
        lambda: data.load_amp(seed=-1),
        "seed=-1: expected an integer >= 0",
    ),
    (
        "dinucleotide_shuffle rng",
        lambda: simulate.dinucleotide_shuffle("ACGTAC", 3),
        "rng=3: expected a numpy",
    ),
    (
        "planted_motifs gc",
        lambda: simulate.planted_motifs(n=4, gc=1.5),
        "gc=1.5: expected a finite number >= 0",
    ),
    ("planted_motifs n", lambda: simulate.planted_motifs(n=0), "n=0: expected a positive integer"),
    ("planted_motifs length", lambda: simulate.planted_motifs(n=2, length=5), "length=5: expected at least"),
    (
        "jaspar_motif unknown id",
        lambda: motifs.jaspar_motif("MA9999.9"),
        "key='MA9999.9': expected a JASPAR matrix id",
    ),
    (
        "jaspar_motif unknown name",
        lambda: motifs.jaspar_motif("NotAFactor"),
        "key='NotAFactor': expected a known",
    ),
    (
        "counts_to_ppm negative",
        lambda: motifs.counts_to_ppm(-np.ones((3, 4))),
        "expected non-negative counts",
    ),
    ("counts_to_ppm shape", lambda: motifs.counts_to_ppm(np.ones((3, 5))), "counts=<array of shape (3, 5)"),
    (
        "ppm_to_pwm rows",
        lambda: motifs.ppm_to_pwm(np.full((2, 4), 0.3)),
        "row 0 is [0.3, 0.3, 0.3, 0.3] with sum 1.2",
    ),
    ("ppm_to_pwm zeros", lambda: motifs.ppm_to_pwm(np.eye(4)), "probabilities > 0 for log-odds"),
    ("scan_pwm too long", lambda: motifs.scan_pwm(ONEHOT[:3], np.zeros((5, 4))), "a motif no longer than"),
    (
        "tomtom_match rows",
        lambda: motifs.tomtom_match([np.full((6, 4), 0.3)]),
        "queries[0]=<array of shape (6, 4)",
    ),
    (
        "tomtom_match names",
        lambda: motifs.tomtom_match([np.full((6, 4), 0.25)], query_names=["a", "b"]),
        "one name per",
    ),
    (
        "tomtom empty",
        lambda: motifs.tomtom([], [np.full((5, 4), 0.25)]),
        "queries=[]: expected at least one motif",
    ),
    (
        "tomtom bins",
        lambda: motifs.tomtom([np.full((5, 4), 0.25)], [np.full((5, 4), 0.25)], n_bins=0),
        "n_bins=0",
    ),
    (
        "plot_logo kind",
        lambda: plot.plot_logo(np.full((3, 4), 0.25), kind="bits"),
        "kind='bits': expected one of",
    ),
    (
        "plot_logo probabilities",
        lambda: plot.plot_logo(np.ones((3, 4))),
        "row 0 is [1.0, 1.0, 1.0, 1.0] with sum 4",
    ),
    (
        "plot_training_curves",
        lambda: plot.plot_training_curves({"loss": [1.0]}, metrics=("auc",)),
        "metrics='auc'",
    ),
    (
        "saturation_mutagenesis not one-hot",
        lambda: interpret.saturation_mutagenesis(tiny_model(), HALF),
        "row 0 is",
    ),
    (
        "saturation_mutagenesis length",
        lambda: interpret.saturation_mutagenesis(tiny_model(), ONEHOT[:30]),
        "expected sequences of the model's length, 40 bp",
    ),
    (
        "saliency batch",
        lambda: interpret.saliency(tiny_model(), ONEHOT[None]),
        "x=<array of shape (1, 40, 4)",
    ),
    (
        "integrated_gradients steps",
        lambda: interpret.integrated_gradients(tiny_model(), ONEHOT, steps=0),
        "steps=0: expected a positive integer",
    ),
    (
        "integrated_gradients baseline",
        lambda: interpret.integrated_gradients(tiny_model(), ONEHOT, np.zeros((39, 4))),
        "baseline=<array of shape (39, 4)",
    ),
    (
        "integrated_gradients NaN baseline",
        lambda: interpret.integrated_gradients(tiny_model(), ONEHOT, HALF * np.nan),
        "expected finite values",
    ),
    (
        "filter_activations index",
        lambda: interpret.filter_activations(tiny_model(), ONEHOT[None], filter_index=4),
        "filter_index=4: expected an integer >= 0 and <= 3",
    ),
    (
        "filter_pwm top_k",
        lambda: interpret.filter_pwm(tiny_model(), ONEHOT[None], 0, top_k=2),
        "top_k=2: expected",
    ),
    ("filter_activations one string", lambda: interpret.filter_activations(tiny_model(), "ACGT"), "X='ACGT'"),
    (
        "filter_activations lengths",
        lambda: interpret.filter_activations(tiny_model(), ["ACGT", "ACG"]),
        "expected sequences of one length, got lengths [3, 4]",
    ),
    (
        "top_window width",
        lambda: interpret.top_window(np.ones(10), 11),
        "width=11: expected an integer >= 1 and <= 10",
    ),
    ("predict one value", lambda: interpret.predict(two_outputs(), ONEHOT[None]), "one value per sequence"),
    (
        "predict batch size",
        lambda: interpret.predict(tiny_model(), ONEHOT[None], batch_size=0),
        "batch_size=0",
    ),
    (
        "mean_pool shapes",
        lambda: protein_lm.mean_pool(np.zeros((2, 3, 4)), np.ones((2, 4))),
        "mask=<array of shape (2, 4)",
    ),
    (
        "mean_pool empty row",
        lambda: protein_lm.mean_pool(np.zeros((2, 3, 4)), np.array([[1, 1, 0], [0, 0, 0]])),
        "row 1 is all False",
    ),
    (
        "masked_marginal_score wt",
        lambda: protein_lm.masked_marginal_score(np.zeros(33), 40, 5),
        "wt_index=40",
    ),
    (
        "masked_marginal_score mt",
        lambda: protein_lm.masked_marginal_score(np.zeros(33), 4, [5, 2.5]),
        "mt_index=[5, 2.5]",
    ),
    ("oct4_cnn seq_len", lambda: models.oct4_cnn(seq_len=0), "seq_len=0: expected a positive integer"),
    (
        "logit_cnn width",
        lambda: models.logit_cnn(seq_len=10, width=11),
        "width=11: expected an integer >= 1 and <= 10",
    ),
    (
        "recurrent kind",
        lambda: models.recurrent("RNN"),
        "kind='RNN': expected one of 'SimpleRNN', 'LSTM', 'GRU'",
    ),
    (
        "fit patience",
        lambda: models.fit(tiny_model(), ONEHOT[None], np.ones(1), patience=2),
        "patience=2: expected validation_data",
    ),
    (
        "transformer_classifier heads",
        lambda: models.transformer_classifier(16, dim=10, num_heads=4),
        "num_heads=4",
    ),
    (
        "shared_kmers k",
        lambda: splits.shared_kmers(["ACGT"], ["ACGT"], 0),
        "k=0: expected a positive integer",
    ),
    (
        "shared_kmers one string",
        lambda: splits.shared_kmers("ACGT", ["ACGT"], 2),
        "train='ACGT': expected a list",
    ),
    ("glue name", lambda: report.glue(3, 1.0), "name=3: expected a str"),
    ("word_list empty", lambda: report.word_list([]), "items=[]: expected at least one item"),
    ("word_list not text", lambda: report.word_list(["a", 2]), "items[1]=2: expected a str"),
    (
        "interval_side reversed",
        lambda: evaluate.interval_side(0.2, 0.1),
        "low=0.2: expected an interval's lower end",
    ),
    ("interval_side not a number", lambda: evaluate.interval_side("0", 1.0), "low='0': expected"),
    (
        "glue_all formats",
        lambda: report.glue_all({"a": 1}, {"b": ".2f"}),
        "expected formats only for the glued names",
    ),
    (
        "over_seeds empty",
        lambda: evaluate.over_seeds(lambda seed: {}, []),
        "seeds=[]: expected at least one seed",
    ),
    (
        "bootstrap_interval one class",
        lambda: evaluate.bootstrap_interval([1, 1, 1], [0.1, 0.2, 0.3]),
        "y_true=[1, 1, 1]",
    ),
    (
        "auroc one class",
        lambda: evaluate.auroc([0, 0, 0], [0.1, 0.2, 0.3]),
        "y_true=[0, 0, 0]",
    ),
    (
        "auroc NaN score",
        lambda: evaluate.auroc([0, 1], [0.1, float("nan")]),
        "finite scores",
    ),
    (
        "composition_classifier max_iter",
        lambda: models.composition_classifier(max_iter=0),
        "max_iter=0",
    ),
    (
        "bootstrap_interval lengths",
        lambda: evaluate.bootstrap_interval([0, 1, 1], [0.1, 0.2]),
        "one score per label (3 labels)",
    ),
    (
        "sequence_identity empty",
        lambda: splits.sequence_identity("", "ACD"),
        "a='': expected a non-empty protein sequence",
    ),
    (
        "sequence_identity bad residue",
        lambda: splits.sequence_identity("ACDX", "ACD"),
        "invalid residue 'X' at position 3",
    ),
    (
        "identity_clusters threshold",
        lambda: splits.identity_clusters(["ACDE", "ACDF"], 0.1),
        "threshold=0.1: expected a finite number >= 0.3",
    ),
    (
        "identity_clusters empty member",
        lambda: splits.identity_clusters(["ACDE", ""]),
        "seqs[1]='': expected a non-empty protein sequence",
    ),
    (
        "cluster_split float labels",
        lambda: splits.cluster_split([0.5, 1, 2], [0, 1, 0]),
        "expected one integer cluster label per sequence",
    ),
    (
        "cluster_split labels",
        lambda: splits.cluster_split([0, 1, 2], [0, 1]),
        "y=[0, 1]: expected one 0/1 label",
    ),
    (
        "cluster_split fractions",
        lambda: splits.cluster_split([0, 1, 2], [0, 1, 0], (0.5, 0.5)),
        "fractions=(0.5, 0.5): expected three fractions",
    ),
    (
        "split_by_identity not a dataset",
        lambda: splits.split_by_identity("amp"),
        "dataset='amp': expected a seqdl.data.Dataset",
    ),
    (
        "diverging_colormap colour",
        lambda: plot.diverging_colormap("notacolour"),
        "bad='notacolour': expected",
    ),
    (
        "resnet50_imagenet_weights include_top",
        lambda: data.resnet50_imagenet_weights("yes"),
        "include_top='yes': expected True or False",
    ),
]


@pytest.mark.parametrize(
    ("call", "message"), [row[1:] for row in BAD_CALLS], ids=[row[0] for row in BAD_CALLS]
)
def test_bad_call_names_the_value_and_what_was_expected(call, message):
    with pytest.raises(ValueError) as error:
        call()
    text = str(error.value)
    assert message in text, f"message {text!r} lacks {message!r}"
    assert re.match(r"^[\w\[\]]+=.+: expected ", text), (
        f"not in the form 'name=value: expected ...': {text!r}"
    )


@pytest.mark.parametrize("value", [True, 2.0, "3", None, -1, 0])
def test_positive_int_refuses_bools_floats_strings_and_non_positive(value):
    with pytest.raises(ValueError, match="expected a positive integer"):
        validate.check_positive_int(value, "n")


def test_positive_int_accepts_numpy_integers():
    assert validate.check_positive_int(np.int64(3), "n") == 3
    assert type(validate.check_positive_int(np.int64(3), "n")) is int


def test_long_values_are_shortened_in_messages():
    with pytest.raises(ValueError) as error:
        encode.one_hot_encode("A" * 500 + "X")
    assert len(str(error.value)) < 200 and "position 500" in str(error.value)


def test_checks_copy_and_never_modify_their_input():
    x = ONEHOT.copy()
    checked = validate.check_onehot(x, "x")
    checked[0] = 0
    assert np.array_equal(x, ONEHOT)


def test_every_public_function_has_a_row():
    """A new public function of a checked module must come with its bad calls here."""
    import inspect

    covered = {name for row in BAD_CALLS for name in re.findall(r"\w+", row[0])[:1]}
    exempt = {  # functions without arguments to get wrong, or that only pass data through
        "list_datasets", "cache_dir", "load_amp", "load_mnist_subset", "load_mnist", "load_promoters",
        "load_pathmnist", "load_with_fallback", "sha256_of", "package_file", "verified_file", "fetch",
        "read_fasta", "gc_content", "one_hot_protein", "jaspar_motifs", "information_content",
        "benjamini_hochberg", "plot_roc_pr", "report_runtime", "glue_table", "summarize",
        "choose_on_validation",
        "within_noise", "mean_sd", "paired_bootstrap", "esm2_tokenizer", "tiny_esm2", "hub_reachable",
        "load_esm2", "residue_mask", "embed", "masked_marginals", "train_oct4_cnn", "cnn_rnn", "sigmoid",
        "encoder_block", "token_and_position_embedding", "architecture",
    }  # fmt: skip
    modules = (data, encode, evaluate, interpret, models, motifs, plot, protein_lm, report, simulate, splits)
    public = {
        name
        for module in modules
        for name, obj in vars(module).items()
        if inspect.isfunction(obj) and obj.__module__ == module.__name__ and not name.startswith("_")
    }
    missing = sorted(public - covered - exempt)
    assert not missing, f"add bad calls for {missing} to BAD_CALLS (or explain why not in `exempt`)"
