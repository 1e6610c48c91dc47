"""seqdl.interpret: each attribution checked against an independent reference.

ISM against a brute-force loop, saliency against finite differences, Integrated Gradients against
completeness, an analytic linear case and a plain loop, filter_pwm against a filter set to a known
JASPAR motif, top_window against brute force -- and a trained model whose attributions must land
on the planted motif's own bases, which a mis-ordered encoding would not.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from seqdl import encode, interpret, models, motifs, simulate  # noqa: E402

LENGTH = 40  # bp, random test sequences


def random_onehot(rng: np.random.Generator, length: int = LENGTH) -> np.ndarray:
    return np.eye(4, dtype=np.float32)[rng.integers(0, 4, length)]


def tiny_cnn(seed: int, activation: str = "relu", length: int = LENGTH, scale: float = 0.3) -> keras.Model:
    """A small random (untrained) CNN with one output per sequence; weights ~ N(0, scale**2)."""
    keras.utils.set_random_seed(seed)
    init = keras.initializers.RandomNormal(stddev=scale)
    inputs = keras.Input((length, 4))
    hidden = keras.layers.Conv1D(6, 5, activation=activation, kernel_initializer=init)(inputs)
    hidden = keras.layers.Flatten()(hidden)
    hidden = keras.layers.Dense(8, activation=activation, kernel_initializer=init)(hidden)
    return keras.Model(inputs, keras.layers.Dense(1, kernel_initializer=init)(hidden))


def predict_one(model, x: np.ndarray) -> float:
    return float(model.predict_on_batch(x[None])[0, 0])


# --------------------------------------------------------------------------- mutagenesis


def test_predict_in_chunks_equals_keras_predict():
    model = tiny_cnn(seed=4)
    X = np.stack([random_onehot(np.random.default_rng(i)) for i in range(25)])
    expected = model.predict(X, verbose=0)[:, 0]
    np.testing.assert_allclose(interpret.predict(model, X, batch_size=7), expected, atol=1e-6)
    assert interpret.predict(model, X[:0]).shape == (0,)


def test_saturation_mutagenesis_equals_a_brute_force_loop():
    rng = np.random.default_rng(0)
    model, x = tiny_cnn(0), random_onehot(rng)
    x[7] = 0  # an N: all four bases are substitutions there
    original = x.copy()
    effects = interpret.saturation_mutagenesis(model, x)
    reference = predict_one(model, x)
    expected = np.zeros((LENGTH, 4))
    for position in range(LENGTH):
        for base in range(4):
            if x[position, base] == 1:
                continue
            mutant = x.copy()
            mutant[position] = 0
            mutant[position, base] = 1
            expected[position, base] = predict_one(model, mutant) - reference
    np.testing.assert_allclose(effects, expected, atol=1e-5)
    assert (effects[x == 1] == 0).all() and np.abs(effects[7]).min() > 0
    np.testing.assert_array_equal(x, original)  # input not mutated


# --------------------------------------------------------------------------- gradients


def test_saliency_equals_finite_differences():
    rng = np.random.default_rng(1)
    model, x = tiny_cnn(1, activation="tanh"), random_onehot(rng)
    gradient = interpret.saliency(model, x)
    assert gradient.shape == (LENGTH, 4)
    eps = 1e-2
    expected = np.zeros((LENGTH, 4))
    for position in range(LENGTH):
        for base in range(4):
            up, down = x.copy(), x.copy()
            up[position, base] += eps
            down[position, base] -= eps
            expected[position, base] = (predict_one(model, up) - predict_one(model, down)) / (2 * eps)
    # Central differences in float32: error ~ eps**2 + rounding/eps, far below 1e-3 here.
    np.testing.assert_allclose(gradient, expected, atol=1e-3)


@pytest.mark.parametrize(
    ("activation", "steps", "tolerance"),
    # A smooth network meets 2 % at 200 steps easily. A ReLU network's path gradient jumps at every
    # kink, so the trapezoidal rule converges only like 1 / steps: 5 % at 200, 1 % at 1000.
    [("gelu", 200, 0.02), ("relu", 200, 0.05), ("relu", 1000, 0.01)],
)
def test_integrated_gradients_completeness(activation, steps, tolerance):
    rng = np.random.default_rng(2)
    model = tiny_cnn(2, activation=activation)
    differences = []
    for _ in range(3):
        x = random_onehot(rng)
        for baseline in (None, np.full((LENGTH, 4), 0.25), random_onehot(rng)):
            ig = interpret.integrated_gradients(model, x, baseline=baseline, steps=steps)
            b = np.zeros_like(x) if baseline is None else baseline
            difference = predict_one(model, x) - predict_one(model, b.astype(np.float32))
            assert abs(ig.sum() - difference) <= tolerance * abs(difference)
            differences.append(abs(difference))
    assert max(differences) > 0.1  # the outputs differ enough for a relative check to mean something


def test_integrated_gradients_is_exact_for_a_linear_model():
    # f(x) = sum(W * x) + c has IG = (x - baseline) * W exactly, whatever the number of steps.
    keras.utils.set_random_seed(3)
    inputs = keras.Input((LENGTH, 4))
    model = keras.Model(inputs, keras.layers.Dense(1)(keras.layers.Flatten()(inputs)))
    weights = model.layers[-1].get_weights()[0].reshape(LENGTH, 4)
    rng = np.random.default_rng(3)
    x, baseline = random_onehot(rng), np.full((LENGTH, 4), 0.25)
    np.testing.assert_allclose(
        interpret.integrated_gradients(model, x, baseline, steps=3), (x - 0.25) * weights, atol=1e-6
    )
    ig_zero = interpret.integrated_gradients(model, x)
    np.testing.assert_allclose(ig_zero, x * weights, atol=1e-6)
    assert (ig_zero[x == 0] == 0).all()  # zero baseline: only the bases present get attribution


def test_integrated_gradients_agrees_with_a_plain_loop():
    rng = np.random.default_rng(4)
    model, x = tiny_cnn(4), random_onehot(rng)
    baseline = encode.one_hot_encode(simulate.dinucleotide_shuffle(encode.decode(x), rng))
    steps = 20
    # Independent version: one GradientTape per point of the path, trapezoidal weights by hand.
    total = np.zeros((LENGTH, 4))
    for k in range(steps + 1):
        point = tf.constant((baseline + k / steps * (x - baseline))[None])
        with tf.GradientTape() as tape:
            tape.watch(point)
            out = model(point)
        weight = 0.5 if k in (0, steps) else 1.0
        total += weight * tape.gradient(out, point).numpy()[0]
    expected = (x - baseline) * total / steps
    np.testing.assert_allclose(interpret.integrated_gradients(model, x, baseline, steps), expected, atol=1e-5)


def test_integrated_gradients_error_shrinks_with_steps():
    rng = np.random.default_rng(5)
    model, x = tiny_cnn(5, activation="tanh"), random_onehot(rng)
    target = predict_one(model, x) - predict_one(model, np.zeros_like(x))
    errors = [abs(interpret.integrated_gradients(model, x, steps=s).sum() - target) for s in (2, 8, 64)]
    assert errors[2] < errors[0] and errors[2] < 1e-3 * max(1.0, abs(target))


# --------------------------------------------------------------------------- filters


def pwm_filter_model(kernel: np.ndarray, padding: str = "valid", length: int = 200) -> keras.Model:
    """A model whose first Conv1D filter 0 is set to ``kernel`` (filter 1 stays random)."""
    keras.utils.set_random_seed(6)
    inputs = keras.Input((length, 4))
    conv = keras.layers.Conv1D(2, len(kernel), padding=padding, activation="relu")
    pooled = keras.layers.GlobalMaxPooling1D()(conv(inputs))
    model = keras.Model(inputs, keras.layers.Dense(1)(pooled))
    weights, bias = conv.get_weights()
    weights[:, :, 0] = kernel
    bias[0] = 0.0
    conv.set_weights([weights, bias])
    return model


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_filter_pwm_recovers_the_motif_a_filter_is_set_to(padding):
    motif = motifs.jaspar_motif("MA0142.1")
    planted = simulate.planted_motifs(n=400, decoy=None, seed=1)
    X = encode.one_hot_batch(planted.seqs, 200)
    model = pwm_filter_model(motifs.ppm_to_pwm(motif.ppm), padding)
    ppm = interpret.filter_pwm(model, X, 0, top_k=100)
    assert ppm.shape == (motif.length, 4)
    np.testing.assert_allclose(ppm.sum(axis=1), 1)
    informative = motifs.information_content(motif.ppm) > 1
    assert (ppm.argmax(axis=1)[informative] == motif.ppm.argmax(axis=1)[informative]).all()
    assert np.corrcoef(ppm.ravel(), motif.ppm.ravel())[0, 1] > 0.9
    best = motifs.tomtom_match([ppm], targets=motifs.jaspar_motifs(), top=1).iloc[0]
    assert best["target_name"].upper() in {"POU5F1::SOX2", "POU2F1::SOX2", "POU5F1", "SOX2"}
    acts = interpret.filter_activations(model, X[:3], 0)
    assert acts.shape == (3, 200 - motif.length + 1 if padding == "valid" else 200)


def test_filter_pwm_takes_one_window_per_sequence_and_skips_padding():
    kernel = encode.one_hot_encode("ACGT")
    model = pwm_filter_model(kernel, padding="same", length=12)
    # Sequence 0 holds ACGT twice, sequence 1 a 3-of-4 match (ACGA), sequence 2 ACGT at the very
    # start, where a centred 'same' window would hang over the padding at some offsets.
    X = encode.one_hot_batch(["ACGTTTACGTTT", "TTTTACGATTTT", "ACGTCCCCCCCC"], 12)
    ppm = interpret.filter_pwm(model, X[:2], 0, top_k=2)  # one window each: ACGT and ACGA
    np.testing.assert_allclose(ppm, np.vstack([kernel[:3], [0.5, 0, 0, 0.5]]))
    np.testing.assert_allclose(interpret.filter_pwm(model, X[2:], 0, top_k=1), kernel)


# --------------------------------------------------------------------------- top_window


def test_top_window_equals_brute_force():
    rng = np.random.default_rng(7)
    for length, width in ((50, 1), (50, 15), (15, 15), (200, 19)):
        scores = rng.normal(size=(length, 4))
        sums = [scores[s : s + width].sum() for s in range(length - width + 1)]
        assert interpret.top_window(scores, width) == int(np.argmax(sums))
        assert interpret.top_window(scores.sum(axis=1), width) == int(np.argmax(sums))
    assert interpret.top_window(np.array([0, 1, 1, 0, 1, 1.0]), 2) == 1  # ties: the first window


# --------------------------------------------------------------------------- encoding order


@pytest.fixture(scope="module")
def planted_model():
    """A small CNN trained on seqdl encodings of POU5F1::SOX2 (positives) vs MAFK decoys."""
    planted = simulate.planted_motifs(n=1200, length=100, seed=2)
    X = encode.one_hot_batch(planted.seqs, 100)
    model = models.logit_cnn(seq_len=100, n_filters=8, width=15)
    models.fit(model, X[:1000], planted.y[:1000], epochs=15, learning_rate=1e-2)
    return model, planted


@pytest.mark.slow
def test_trained_model_attributes_the_planted_motifs_own_bases(planted_model):
    model, planted = planted_model
    width = planted.motif_length
    consensus = "".join("ACGT"[i] for i in motifs.jaspar_motif(planted.motif).ppm.argmax(axis=1))
    hits, letters_agree = 0, []
    positives = [i for i in range(1000, 1200) if planted.y[i] == 1][:40]
    for i in positives:
        seq, start = planted.seqs[i], planted.starts[i]
        ig = interpret.integrated_gradients(model, seq)  # a string: encoded exactly as in training
        found = interpret.top_window(ig, width)
        hits += abs(found - start) <= width // 2
        # The bases attributed most at the planted site are the motif's own letters.
        site = ig[start : start + width]
        letters_agree.append(np.mean([site[j].argmax() == "ACGT".index(consensus[j]) for j in range(width)]))
    assert hits / len(positives) >= 0.9
    assert np.mean(letters_agree) > 0.6
    # A string and its seqdl encoding give the same attributions.
    seq = planted.seqs[positives[0]]
    np.testing.assert_allclose(
        interpret.integrated_gradients(model, seq),
        interpret.integrated_gradients(model, encode.one_hot_encode(seq)),
    )


@pytest.mark.slow
def test_a_mis_ordered_encoding_breaks_the_model(planted_model):
    # The failure this package guards against: encoding in T, G, C, A order for attribution
    # while the model was trained on A, C, G, T. Predictions on positives collapse.
    model, planted = planted_model
    X = encode.one_hot_batch(planted.seqs[1000:], 100)
    y = planted.y[1000:]
    right = model.predict_on_batch(X)[:, 0]
    wrong = model.predict_on_batch(X[:, :, ::-1])[:, 0]
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(y, right) > 0.95 > 0.75 > roc_auc_score(y, wrong)
