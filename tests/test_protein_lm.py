"""seqdl.protein_lm: ESM-2 vocabulary and offline fallback, pooling, masked marginals, Keras model.

Pooling and scoring are checked against independent references (a plain loop, torch's
log_softmax); the offline path is made hermetic by making the Hub and the cache unavailable, and
the online path runs against a mirror of the Hub on 127.0.0.1. Nothing here needs a network.
"""

import json
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


# --------------------------------------------------------------------------- the online path, offline

COMMIT = "5c6b2a7e0d1f4b3a9c8e7d6f5a4b3c2d1e0f9a8b"  # any 40 hex digits: the Hub names revisions so
LFS_SUFFIXES = (".safetensors", ".bin")  # weights are Git LFS files: the Hub redirects them to a CDN


class HubMirror:
    """A tiny Hugging Face Hub on 127.0.0.1, answering as huggingface_hub 1.x expects.

    Read from huggingface_hub's ``file_download.py`` and ``utils/_http.py``: a file is fetched with
    ``HEAD {endpoint}/{repo_id}/resolve/{revision}/{filename}`` (relative redirects followed, absolute
    ones not), whose answer must carry ``X-Repo-Commit``, an ``ETag`` (``X-Linked-Etag`` for LFS) and
    a size (``Content-Length`` / ``X-Linked-Size``), then ``GET`` of that URL or of the LFS
    ``Location``. A missing file is ``404`` with ``X-Error-Code: EntryNotFound``, an unknown repo
    ``404`` with ``RepoNotFound``. ``transformers`` also lists ``/api/models/{repo_id}/tree/...``.
    """

    def __init__(self, repos: dict[str, dict[str, bytes]], layout: dict[str, str]):
        import hashlib
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[tuple[str, str]] = []
        self.blobs = {
            hashlib.sha256(data).hexdigest(): data for files in repos.values() for data in files.values()
        }
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status, headers=(), body=b"", send_body=True):
                self.send_response(status)
                for key, value in dict(headers).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if send_body:
                    self.wfile.write(body)

            def _answer(self, send_body):
                path = self.path.split("?")[0]
                mirror.requests.append((self.command, self.path))
                if path.startswith("/lfs/") and path[5:] in mirror.blobs:
                    return self._reply(200, body=mirror.blobs[path[5:]], send_body=send_body)
                if path.startswith("/api/models/"):
                    return self._tree(path.removeprefix("/api/models/"), send_body)
                for repo_id, files in repos.items():
                    prefix = f"/{repo_id}/{layout.get(repo_id, 'resolve/main')}/"
                    if path.startswith(prefix):
                        return self._file(files, path.removeprefix(prefix), send_body)
                self._reply(404, {"X-Error-Code": "RepoNotFound"}, b'{"error":"Repository not found"}')

            def _file(self, files, name, send_body):
                commit = {"X-Repo-Commit": COMMIT}
                if name not in files:
                    return self._reply(404, commit | {"X-Error-Code": "EntryNotFound"}, send_body=send_body)
                data = files[name]
                if name.endswith(LFS_SUFFIXES):  # as the Hub does: a redirect to the CDN, linked headers
                    sha = hashlib.sha256(data).hexdigest()
                    host = f"http://127.0.0.1:{self.server.server_address[1]}"
                    linked = {"X-Linked-Etag": f'"{sha}"', "X-Linked-Size": str(len(data))}
                    return self._reply(302, commit | linked | {"Location": f"{host}/lfs/{sha}"})
                git_sha1 = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
                self._reply(200, commit | {"ETag": f'"{git_sha1}"'}, data, send_body)

            def _tree(self, rest, send_body):
                for repo_id, files in repos.items():
                    if rest == f"{repo_id}/tree/main":
                        entries = [
                            {"type": "file", "oid": "0" * 40, "size": len(d), "path": n}
                            for n, d in files.items()
                        ]
                        return self._reply(
                            200, {"Content-Type": "application/json"}, json.dumps(entries).encode()
                        )
                    if rest.startswith(f"{repo_id}/tree/main/"):
                        return self._reply(404, {"X-Error-Code": "EntryNotFound"}, send_body=send_body)
                self._reply(404, {"X-Error-Code": "RepoNotFound"}, send_body=send_body)

            def do_HEAD(self):
                self._answer(send_body=False)

            def do_GET(self):
                self._answer(send_body=True)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


LOAD_IN_A_FRESH_PROCESS = """
import json, sys
import torch
from seqdl import protein_lm

results = {}
peptide, *names = sys.argv[1:]  # argv[0] is "-c"
for name in names:
    lm = protein_lm.load_esm2(name, timeout=10.0)
    batch = lm.tokenizer([peptide], return_tensors="pt")
    with torch.inference_mode():
        logits = lm.model(**batch).logits[0].tolist()
    results[name] = {"pretrained": lm.pretrained, "name": lm.name, "logits": logits}
print("RESULTS" + json.dumps(results))
"""


def test_load_esm2_downloads_from_a_hub_in_the_real_layout(tmp_path):
    """The online path of load_esm2, end to end, against a local mirror of the Hub.

    huggingface_hub reads HF_ENDPOINT and HF_HOME when it is imported, so the load runs in a fresh
    process. Three repositories: the real layout (must load as pre-trained, with the served
    weights), one without its weights file and one served under a wrong URL layout (both must fall
    back to the untrained stand-in, so this test fails if the client's requests change).
    """
    import subprocess
    import sys

    served = protein_lm.tiny_esm2(seed=7, hidden_size=16, num_layers=1, num_heads=2)
    folder = tmp_path / "saved"
    served.model.save_pretrained(folder)
    served.tokenizer.save_pretrained(folder)
    files = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert {"config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json"} <= set(files)
    real, missing, wrong = protein_lm.ESM2_8M, "seqdl-test/no-weights", "seqdl-test/wrong-layout"
    repos = {real: files, missing: {k: v for k, v in files.items() if k != "model.safetensors"}, wrong: files}
    mirror = HubMirror(repos, layout={wrong: "blob/main"})  # GitHub's layout, not the Hub's
    home = tmp_path / "hf_home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE_", "TRANSFORMERS_"))}
    env |= {"HF_ENDPOINT": mirror.endpoint, "HF_HOME": str(home), "HF_HUB_DISABLE_TELEMETRY": "1"}
    try:
        result = subprocess.run(
            [sys.executable, "-c", LOAD_IN_A_FRESH_PROCESS, PEPTIDES[0], real, missing, wrong],
            env=env, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
    finally:
        mirror.close()
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads(result.stdout.split("RESULTS", 1)[1])

    assert results[real]["pretrained"] and results[real]["name"] == real
    batch = served.tokenizer([PEPTIDES[0]], return_tensors="pt")
    with torch.inference_mode():
        expected = served.model(**batch).logits[0].numpy()
    np.testing.assert_allclose(np.array(results[real]["logits"]), expected, atol=1e-5)  # the served weights
    for name in (missing, wrong):
        assert not results[name]["pretrained"], f"{name} should have fallen back to the stand-in"
    assert result.stdout.count("Could not load") == 2 and "Traceback" not in result.stdout

    resolved = {path for method, path in mirror.requests if method == "GET" and "/resolve/main/" in path}
    assert {
        f"/{real}/resolve/main/{name}" for name in ("config.json", "vocab.txt", "tokenizer_config.json")
    } <= resolved
    assert any(method == "GET" and path.startswith("/lfs/") for method, path in mirror.requests)
    snapshot = home / "hub" / "models--facebook--esm2_t6_8M_UR50D" / "snapshots" / COMMIT
    assert (home / "hub" / "models--facebook--esm2_t6_8M_UR50D" / "refs" / "main").read_text() == COMMIT
    assert (snapshot / "model.safetensors").read_bytes() == files["model.safetensors"]
