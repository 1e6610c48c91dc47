"""seqdl.models: each reused model is the recipe its chapter describes, and trains as described."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras  # noqa: E402

from seqdl import encode, models  # noqa: E402


def test_sigmoid_is_the_logistic_function_and_stable():
    z = np.array([-800.0, -3.0, 0.0, 2.5, 800.0])
    with np.errstate(over="raise"):
        p = models.sigmoid(z)
    np.testing.assert_allclose(p[1:4], 1 / (1 + np.exp(-z[1:4])), rtol=1e-12)
    assert p[0] == 0.0 and p[-1] == 1.0


def test_oct4_cnn_is_chapter_4_s_network():
    model = models.oct4_cnn()
    assert model.input_shape == (None, 200, 4) and model.output_shape == (None, 1)
    conv, pool, dense = model.layers
    assert (conv.filters, conv.kernel_size, conv.activation.__name__) == (32, (12,), "relu")
    assert isinstance(pool, keras.layers.GlobalMaxPooling1D)
    assert dense.units == 1 and dense.activation.__name__ == "sigmoid"
    assert model.count_params() == 32 * 12 * 4 + 32 + 32 + 1


def test_architecture_sees_what_matters_and_ignores_names():
    built = keras.Sequential(
        [
            keras.Input((200, 4)),
            keras.layers.Conv1D(32, 12, activation="relu", name="anything"),
            keras.layers.GlobalMaxPooling1D(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    assert models.architecture(built) == models.architecture(models.oct4_cnn())
    assert models.architecture(models.logit_cnn(width=12, n_filters=32)) != models.architecture(
        models.oct4_cnn()
    )
    lstm, gru = models.architecture(models.recurrent("LSTM")), models.architecture(models.recurrent("GRU"))
    assert lstm != gru


def test_logit_cnn_returns_unbounded_logits():
    keras.utils.set_random_seed(0)
    model = models.logit_cnn(seq_len=50, n_filters=4, width=6)
    assert model.layers[-1].activation.__name__ == "linear"
    x = np.eye(4, dtype="float32")[np.random.default_rng(0).integers(0, 4, (64, 50))] * 30
    out = model(x).numpy()
    assert out.shape == (64, 1) and (np.abs(out) > 1).any()


@pytest.mark.parametrize("kind", models.RECURRENT_KINDS)
def test_recurrent_models_read_the_last_state_or_pool_every_step(kind):
    last = models.recurrent(kind, units=8, seq_len=30)
    pooled = models.recurrent(kind, units=8, pooled=True, bidirectional=True, seq_len=30)
    assert last.output_shape == pooled.output_shape == (None, 1)
    assert not last.layers[0].return_sequences
    assert isinstance(pooled.layers[1], keras.layers.GlobalMaxPooling1D)
    assert pooled.layers[0].forward_layer.return_sequences
    # A motif at the start reaches the pooled model's output directly: flipping the first base moves it.
    keras.utils.set_random_seed(1)
    x = np.eye(4, dtype="float32")[np.random.default_rng(1).integers(0, 4, (1, 30))]
    changed = x.copy()
    changed[0, 0] = np.roll(changed[0, 0], 1)
    assert abs(float(pooled(x)[0, 0]) - float(pooled(changed)[0, 0])) > 0


def test_cnn_rnn_pools_before_the_lstm():
    model = models.cnn_rnn(pool=8)
    assert model.layers[1].output.shape[1] == (200 - 12 + 1) // 8


def test_transformer_classifier_ignores_padding():
    keras.utils.set_random_seed(0)
    peptides = ["GIGKFLHSAKKFGKAFVGEIMNS", "KWKLFKKIEK", "MKTAYIAKQR"]
    model = models.transformer_classifier(max_len=32, dim=16, num_heads=2, ff_dim=32, num_blocks=2)
    long_padding = model.predict(encode.protein_batch(peptides, 32), verbose=0)
    short_padding = model.predict(encode.protein_batch(peptides, 23), verbose=0)
    assert long_padding.shape == (3, 1) and ((long_padding > 0) & (long_padding < 1)).all()
    np.testing.assert_allclose(long_padding, short_padding, atol=1e-6)


@pytest.mark.slow
def test_train_oct4_cnn_follows_chapter_4_s_recipe():
    from sklearn.metrics import roc_auc_score

    from seqdl.data import SEQ_LEN, load_oct4_mafk

    data = load_oct4_mafk()
    model = models.train_oct4_cnn(data, seed=0)
    history = model.history.history
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.01)
    assert len(history["loss"]) <= 30
    best = int(np.argmin(history["val_loss"]))
    assert len(history["loss"]) == 30 or len(history["loss"]) - 1 - best == 2  # early stopping, patience 2
    p = model.predict(encode.one_hot_batch(data.val.x, SEQ_LEN), verbose=0)[:, 0]
    # restore_best_weights: the kept model is the best epoch's
    best_val_loss = history["val_loss"][best]
    bce = -np.mean(data.val.y * np.log(p + 1e-7) + (1 - data.val.y) * np.log(1 - p + 1e-7))
    assert bce == pytest.approx(best_val_loss, rel=1e-3)
    assert roc_auc_score(data.val.y, p) > 0.97


@pytest.mark.slow
def test_fit_with_patience_keeps_the_best_epoch():
    rng = np.random.default_rng(0)
    x = np.eye(4, dtype="float32")[rng.integers(0, 4, (300, 30))]
    y = rng.integers(0, 2, 300).astype("float32")  # random labels: the model can only overfit
    model = models.logit_cnn(seq_len=30, n_filters=16, width=5)
    history = models.fit(model, x[:200], y[:200], validation_data=(x[200:], y[200:]), epochs=40, patience=3)
    losses = history.history["val_loss"]
    assert len(losses) < 40 and np.argmin(losses) == len(losses) - 4


def test_composition_classifier_is_a_logistic_regression_on_amino_acid_fractions():
    from sklearn.linear_model import LogisticRegression

    peptides = ["KKLLKKLLKK", "GIGKFLHSAK", "DEDEDEDEAA", "SSEEDDAAGG", "KWKLFKKIEK", "EEDDSSTTNN"]
    y = np.array([1, 1, 0, 0, 1, 0])
    pipeline = models.composition_classifier().fit(peptides, y)
    features = encode.amino_acid_composition(peptides)
    reference = LogisticRegression(max_iter=2000).fit(features, y)
    np.testing.assert_allclose(pipeline.predict_proba(peptides), reference.predict_proba(features))
    assert pipeline[-1].coef_.shape == (1, features.shape[1])
