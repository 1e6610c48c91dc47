"""seqdl.protein_lm: ESM-2 vocabulary and offline fallback, pooling, masked marginals, Keras model.

Pooling and scoring are checked against independent references (a plain loop, torch's
log_softmax); the offline path is made hermetic by making the Hub and the cache unavailable.
Nothing here needs a network.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from seqdl import protein_lm  # noqa: E402
from seqdl.encode import PROTEIN_ALPHABET  # noqa: E402

PEPTIDES = ["GIGKFLHSAKKFGKAFVGEIMNS", "KWKLFKKIEKVGQNIRDG", "RLCRIVVIRVCR"]


@pytest.fixture(scope="module")
def tiny():
    torch.set_num_threads(1)
    return protein_lm.tiny_esm2(seed=0, hidden_size=16, num_layers=1, num_heads=2)


# --------------------------------------------------------------------------- vocabulary & loading


def test_vocabulary_matches_esm2_ids(tmp_path):
    tokenizer = protein_lm.esm2_tokenizer(tmp_path)
    assert len(protein_lm.ESM2_VOCAB) == tokenizer.vocab_size == 33
    ids = {"<cls>": 0, "<pad>": 1, "<eos>": 2, "<unk>": 3, "L": 4, "A": 5, "C": 23, "<mask>": 32}
    assert {token: tokenizer.convert_tokens_to_ids(token) for token in ids} == ids
    assert tokenizer("MKT")["input_ids"] == [0, 20, 15, 11, 2]
    assert (tmp_path / "vocab.txt").read_text().split() == list(protein_lm.ESM2_VOCAB)


def test_tiny_model_is_flagged_untrained(tiny):
    assert not tiny.pretrained
    assert "UNTRAINED" in tiny.description
    assert tiny.model.config.vocab_size == 33 and tiny.hidden_size == 16
    assert not tiny.model.training  # eval mode: no dropout


def test_hub_unreachable_when_offline_mode(monkeypatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert protein_lm.hub_reachable(timeout=0.01) is False


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (OSError("[Errno -2] Name or service not known"), False),  # no network
        (TimeoutError("timed out"), False),
        ("http", True),  # an HTTP error status is an answer: the network works
    ],
)
def test_hub_reachable_needs_an_answer_not_a_success(monkeypatch, error, expected):
    import urllib.error
    import urllib.request

    from huggingface_hub import constants

    def fake_urlopen(request, timeout):
        assert request.get_method() == "HEAD" and timeout == 0.5
        if error == "http":
            raise urllib.error.HTTPError(request.full_url, 429, "Too Many Requests", {}, None)
        raise error

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    assert protein_lm.hub_reachable(timeout=0.5) is expected


def test_load_esm2_falls_back_quickly_and_says_so(monkeypatch, capsys):
    def not_available(*args, **kwargs):
        raise OSError("not cached")

    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", not_available)
    monkeypatch.setattr(protein_lm, "hub_reachable", lambda *args, **kwargs: False)
    lm = protein_lm.load_esm2(seed=1)
    assert not lm.pretrained
    out = capsys.readouterr().out
    assert "Could not load facebook/esm2_t6_8M_UR50D" in out and "UNTRAINED" in out and "not results" in out


# --------------------------------------------------------------------------- pooling


def test_residue_mask_excludes_special_tokens_and_padding(tiny):
    batch = tiny.tokenizer(["GIG", "KFLHS"], padding=True)
    mask = protein_lm.residue_mask(batch["input_ids"], tiny.tokenizer)
    expected = np.array([[0, 1, 1, 1, 0, 0, 0], [0, 1, 1, 1, 1, 1, 0]], dtype=bool)
    np.testing.assert_array_equal(mask, expected)


def test_mean_pool_against_a_loop():
    rng = np.random.default_rng(0)
    hidden = rng.normal(size=(3, 6, 4))
    mask = rng.random((3, 6)) > 0.4
    mask[:, 0] = True
    expected = np.array([hidden[i][mask[i]].mean(axis=0) for i in range(3)])
    np.testing.assert_allclose(protein_lm.mean_pool(hidden, mask), expected, rtol=1e-12)
    np.testing.assert_allclose(protein_lm.mean_pool(hidden, mask.astype(int)), expected, rtol=1e-12)


def test_embed_keeps_order_and_ignores_batching(tiny):
    one_by_one = protein_lm.embed(PEPTIDES, tiny, batch_size=1)
    batched = protein_lm.embed(PEPTIDES, tiny, batch_size=3)
    assert one_by_one.shape == (3, 16) and one_by_one.dtype == np.float32
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)  # padding must not leak in
    np.testing.assert_allclose(protein_lm.embed(PEPTIDES[::-1], tiny), one_by_one[::-1], atol=1e-5)
    assert not np.allclose(one_by_one[0], one_by_one[1])


def test_embed_rejects_non_standard_residues(tiny):
    with pytest.raises(ValueError, match="invalid residue 'J'"):
        protein_lm.embed(["MKJ"], tiny)


# --------------------------------------------------------------------------- masked marginals


def test_masked_marginal_score_against_torch_log_softmax():
    rng = np.random.default_rng(1)
    logits = rng.normal(scale=3, size=33)
    reference = torch.log_softmax(torch.tensor(logits), dim=-1).numpy()
    assert protein_lm.masked_marginal_score(logits, 5, 5) == 0
    np.testing.assert_allclose(protein_lm.masked_marginal_score(logits, 5, 9), reference[9] - reference[5])
    many = protein_lm.masked_marginal_score(logits, 5, [4, 9, 20])
    np.testing.assert_allclose(many, reference[[4, 9, 20]] - reference[5])
    # log-softmax removes any constant shift, even a huge one
    np.testing.assert_allclose(
        protein_lm.masked_marginal_score(logits + 1e4, 5, 9), reference[9] - reference[5]
    )


def test_masked_marginals_match_one_masked_forward_pass(tiny):
    seq = "GIGKFLHS"
    scores = protein_lm.masked_marginals(seq, tiny)
    assert scores.shape == (20, len(seq)) and list(scores.index) == list(PROTEIN_ALPHABET)
    assert list(scores.columns[:2]) == ["G1", "I2"]
    assert all(scores.loc[aa, f"{aa}{i + 1}"] == 0 for i, aa in enumerate(seq))
    # position 4 (K) by hand: mask token 4 (after <cls>), score every amino acid
    ids = tiny.tokenizer([seq], return_tensors="pt")["input_ids"]
    ids[0, 4] = tiny.tokenizer.mask_token_id
    with torch.inference_mode():
        log_p = torch.log_softmax(tiny.model(input_ids=ids).logits[0, 4], dim=-1).numpy()
    aa_ids = tiny.tokenizer.convert_tokens_to_ids(list(PROTEIN_ALPHABET))
    expected = log_p[aa_ids] - log_p[tiny.tokenizer.convert_tokens_to_ids("K")]
    np.testing.assert_allclose(scores["K4"].to_numpy(), expected, atol=1e-5)
