"""seqdl.data: registry, offline loaders (real package data), splits, online fetch."""

import hashlib
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from seqdl import data, encode


def test_registry_lists_source_licence_citation_and_checksum():
    table = data.list_datasets()
    for name in [
        "oct4_mafk",
        "amp_uniprot",
        "mnist_5k",
        "mnist",
        "human_nontata_promoters",
        "planted_motifs",
    ]:
        assert name in table.index
    assert not table[["source", "license", "citation", "size", "sha256"]].isna().any().any()
    assert (table.loc[["oct4_mafk", "mnist"], "sha256"].str.len() > 20).all()


def test_oct4_mafk_chromosome_split_has_no_shared_chromosome():
    d = data.load_oct4_mafk()
    chroms = {name: {i.split(":")[0] for i in getattr(d, name).ids} for name in ("train", "val", "test")}
    assert chroms["val"] == {"chr7"} and chroms["test"] == {"chr8", "chr9"}
    assert not chroms["train"] & (chroms["val"] | chroms["test"])
    assert all(len(s) == data.SEQ_LEN for s in d.train.x[:50])
    assert set(np.unique(d.train.y)) == {0, 1}
    assert "offline" in d.source


def test_oct4_mafk_is_deduplicated_up_to_reverse_complement():
    d = data.load_oct4_mafk()
    all_seqs = d.train.x + d.val.x + d.test.x
    keys = [min(s, encode.reverse_complement(s)) for s in all_seqs]
    assert len(keys) == len(set(keys))
    assert all(s == s.upper() for s in all_seqs)


def test_random_split_is_seeded_and_stratified():
    a = data.load_oct4_mafk(split="random", seed=1)
    b = data.load_oct4_mafk(split="random", seed=1)
    c = data.load_oct4_mafk(split="random", seed=2)
    assert a.test.ids == b.test.ids and a.test.ids != c.test.ids
    assert abs(a.test.y.mean() - a.train.y.mean()) < 0.02


def test_amp_dedup_and_conflicts_dropped():
    """Independent count from the raw file: every distinct peptide (any case) with a single label."""
    d = data.load_amp()
    seqs = d.train.x + d.val.x + d.test.x
    labels: dict[str, set[str]] = {}
    raw = data.package_file("modlamp", "data", "AMPvsUniProt.csv").read_text().splitlines()[1:]
    for line in raw:
        peptide, label = line.split(",")
        labels.setdefault(peptide.strip().upper(), set()).add(label.strip())
    unambiguous = {peptide for peptide, found in labels.items() if len(found) == 1}
    assert len(seqs) == len(set(seqs)) == len(unambiguous) < len(raw)
    assert set(seqs) == unambiguous
    assert not set(d.train.x) & set(d.test.x)


def test_amp_identity_split_is_the_default_seeded_and_close_to_80_10_10():
    a, b, c = data.load_amp(), data.load_amp(split="identity", seed=0), data.load_amp(seed=1)
    assert (a.train.ids, a.val.ids, a.test.ids) == (b.train.ids, b.val.ids, b.test.ids)
    assert a.test.ids != c.test.ids
    assert "identity" in a.source and "seed 1" in c.source
    random = data.load_amp(split="random")
    assert "random 80/10/10" in random.source and random.test.ids != a.test.ids
    every = sorted(random.train.ids + random.val.ids + random.test.ids)
    assert sorted(a.train.ids + a.val.ids + a.test.ids) == every  # the same peptides, each once
    totals = np.bincount(np.concatenate([a.train.y, a.val.y, a.test.y]))
    for d in (a, c):
        for split, share in ((d.train, 0.8), (d.val, 0.1), (d.test, 0.1)):
            for label in (0, 1):  # stratified: each class close to its share in every split
                assert abs((split.y == label).sum() / totals[label] - share) < 0.01


def test_amp_split_must_be_named():
    with pytest.raises(ValueError, match="split='chromosome': expected one of 'identity', 'random'"):
        data.load_amp(split="chromosome")


def test_mnist_subset_shapes():
    d = data.load_mnist_subset()
    assert d.train.x.shape == (4000, 28, 28) and d.train.x.dtype == np.float32
    assert 0 <= d.train.x.min() and d.train.x.max() <= 1
    assert Counter(d.test.y.tolist()) == {k: 50 for k in range(10)}


def test_corrupt_package_file_is_detected(tmp_path):
    bad = tmp_path / "sample.fa"
    bad.write_text(">x\nACGT\n")
    with pytest.raises(data.DataIntegrityError, match="sha256"):
        data.verified_file(bad, data.OCT4_MAFK.files["sample.fa"])


def test_missing_package_names_the_install():
    with pytest.raises(data.DatasetUnavailableError, match="not installed"):
        data.package_file("no_such_package_seqdl", "x")


def test_read_fasta_multiline_and_errors(tmp_path):
    path = tmp_path / "x.fa"
    path.write_text(">a desc\nAC\nGT\n\n>b\nTT\n")
    assert data.read_fasta(path) == [("a desc", "ACGT"), ("b", "TT")]
    path.write_text("ACGT\n>a\nAC\n")
    with pytest.raises(ValueError, match="before the first '>'"):
        data.read_fasta(path)


# ---- online loading, exercised with a local "server" (a downloader that copies a file)


def _fake_info(payload: Path, sha: str) -> data.DatasetInfo:
    return data.DatasetInfo(
        name="fake",
        kind="online",
        description="",
        size="",
        source="",
        license="",
        citation="",
        files={"https://example.invalid/fake.bin": sha},
        offline_alternative="oct4_mafk",
    )


def _copying_downloader(source: Path):
    calls = []

    def download(url, output_file, pooch):
        calls.append(url)
        shutil.copyfile(source, output_file)

    return download, calls


def test_fetch_verifies_caches_and_refetches_corrupt_file(tmp_path, monkeypatch):
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    payload = tmp_path / "payload.bin"
    payload.write_bytes(b"real data")
    info = _fake_info(payload, hashlib.sha256(b"real data").hexdigest())
    download, calls = _copying_downloader(payload)
    url = "https://example.invalid/fake.bin"
    path = data.fetch(info, url, downloader=download)
    assert path.read_bytes() == b"real data" and len(calls) == 1
    data.fetch(info, url, downloader=download)
    assert len(calls) == 1  # cached, verified, not downloaded again
    path.write_bytes(b"corrupted!")
    assert data.fetch(info, url, downloader=download).read_bytes() == b"real data"
    assert len(calls) == 2


def test_fetch_rejects_download_with_wrong_hash(tmp_path, monkeypatch):
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    payload = tmp_path / "payload.bin"
    payload.write_bytes(b"tampered")
    info = _fake_info(payload, hashlib.sha256(b"real data").hexdigest())
    download, _ = _copying_downloader(payload)
    with pytest.raises(data.DataIntegrityError, match="verification"):
        data.fetch(info, "https://example.invalid/fake.bin", downloader=download)


def test_fetch_records_hash_on_first_use_when_none_is_pinned(tmp_path, monkeypatch):
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    payload = tmp_path / "payload.bin"
    payload.write_bytes(b"v1")
    info = _fake_info(payload, "")
    download, calls = _copying_downloader(payload)
    path = data.fetch(info, "https://example.invalid/fake.bin", downloader=download)
    recorded = Path(f"{path}.sha256").read_text().strip()
    assert recorded == hashlib.sha256(b"v1").hexdigest()
    path.write_bytes(b"v1 but corrupt")
    assert data.fetch(info, "https://example.invalid/fake.bin", downloader=download).read_bytes() == b"v1"
    assert len(calls) == 2


def test_offline_online_loader_names_url_and_alternative(tmp_path, monkeypatch):
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path))

    def no_network(url, output_file, pooch):
        raise ConnectionError("no route to host")

    with pytest.raises(data.DatasetUnavailableError) as err:
        data.load_mnist(downloader=no_network)
    assert data.MNIST_URL in str(err.value) and "mnist_5k" in str(err.value)


def test_load_with_fallback_says_what_it_used(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path))

    def no_network(url, output_file, pooch):
        raise ConnectionError("offline")

    d = data.load_with_fallback(lambda: data.load_mnist(downloader=no_network), data.load_mnist_subset)
    out = capsys.readouterr().out
    assert d.name == "mnist_5k" and "mnist could not be downloaded" in out and "mnist_5k" in out
    assert out.count("\n") == 1 and "Traceback" not in out  # one sentence, one line


def test_offline_message_is_one_sentence_without_the_requests_chain(capsys, tmp_path, monkeypatch):
    """What a chapter prints offline: the reason in plain words, not urllib3's nested exception."""
    import requests

    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path))
    dns = (
        "HTTPSConnectionPool(host='storage.googleapis.com', port=443): Max retries exceeded with url: "
        '/tensorflow/tf-keras-datasets/mnist.npz (Caused by NameResolutionError("<urllib3.connection.'
        "HTTPSConnection object at 0x7f4968669d30>: Failed to resolve 'storage.googleapis.com'\"))"
    )

    def no_dns(url, output_file, pooch):
        raise requests.exceptions.ConnectionError(dns)

    data.load_with_fallback(lambda: data.load_mnist(downloader=no_dns), data.load_mnist_subset)
    out = capsys.readouterr().out
    assert out.startswith(
        "[seqdl] mnist could not be downloaded (no network: the name storage.googleapis.com"
    )
    assert "HTTPSConnectionPool" not in out and "NameResolutionError" not in out and "0x7f" not in out
    assert out.count("\n") == 1 and len(out) < 300, out


def test_checksum_failure_is_not_a_fallback(tmp_path, monkeypatch):
    """A download that fails its checksum must stop the chapter, not quietly switch to the stand-in."""
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    payload = tmp_path / "mnist.npz"
    payload.write_bytes(b"not the real MNIST")
    download, _ = _copying_downloader(payload)
    with pytest.raises(data.DataIntegrityError):
        data.load_with_fallback(lambda: data.load_mnist(downloader=download), data.load_mnist_subset)


def test_load_mnist_from_a_local_npz(tmp_path, monkeypatch):
    """The online MNIST path, end to end, on a small npz standing in for the download."""
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    rng = np.random.default_rng(0)
    npz = tmp_path / "mnist.npz"
    np.savez(
        npz,
        x_train=rng.integers(0, 256, (6000, 28, 28), dtype=np.uint8),
        y_train=rng.integers(0, 10, 6000),
        x_test=rng.integers(0, 256, (100, 28, 28), dtype=np.uint8),
        y_test=rng.integers(0, 10, 100),
    )
    download, _ = _copying_downloader(npz)
    monkeypatch.setitem(data.MNIST.files, data.MNIST_URL, data.sha256_of(npz))
    d = data.load_mnist(downloader=download)
    assert (len(d.train), len(d.val), len(d.test)) == (1000, 5000, 100)
    assert d.train.x.max() <= 1.0


def test_load_pathmnist_from_a_local_npz_with_a_published_md5(tmp_path, monkeypatch):
    """PathMNIST publishes only an MD5; the registry keeps it as "md5:..." and pooch checks it."""
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    rng = np.random.default_rng(0)
    npz = tmp_path / "pathmnist.npz"
    arrays = {}
    for split, n in (("train", 12), ("val", 3), ("test", 5)):
        arrays[f"{split}_images"] = rng.integers(0, 256, (n, 28, 28, 3), dtype=np.uint8)
        arrays[f"{split}_labels"] = rng.integers(0, 9, (n, 1))
    np.savez(npz, **arrays)
    md5 = hashlib.md5(npz.read_bytes()).hexdigest()
    monkeypatch.setitem(data.PATHMNIST.files, data.PATHMNIST_URL, f"md5:{md5}")
    download, calls = _copying_downloader(npz)
    d = data.load_pathmnist(downloader=download)
    assert (len(d.train), len(d.val), len(d.test)) == (12, 3, 5)
    assert d.train.x.dtype == np.uint8 and d.train.y.shape == (12,)
    assert len(d.classes) == 9
    assert (tmp_path / "cache" / "pathmnist" / "pathmnist.npz").exists()  # '?download=1' is not in the name
    monkeypatch.setitem(data.PATHMNIST.files, data.PATHMNIST_URL, "md5:" + "0" * 32)
    (tmp_path / "cache" / "pathmnist" / "pathmnist.npz").write_bytes(b"corrupt")
    with pytest.raises(data.DataIntegrityError):
        data.load_pathmnist(downloader=download)


# ---- the online paths, end to end, against a local mirror on 127.0.0.1
#
# The server serves small generated files at the *real* paths, typed here independently of
# seqdl.data, and the loaders reach it through SEQDL_DATA_MIRROR: a typo in a registry URL is a 404,
# a changed cache layout misses the asserted path, and a checksum that does not match fails. Only
# the registry's hash is patched to the generated file's, and the real hashes are checked below.

REAL_URLS = {
    "mnist": ["https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"],
    "pathmnist": ["https://zenodo.org/records/10519652/files/pathmnist.npz?download=1"],
    "human_nontata_promoters": [
        "https://huggingface.co/datasets/katarinagresova/Genomic_Benchmarks_human_nontata_promoters/"
        f"resolve/e0003669df0a180c8570ebe091ed91f20fa080ec/data/{name}"
        for name in (
            "train-00000-of-00001-aeb55728756a44ae.parquet",
            "test-00000-of-00001-d7614d9116c62f44.parquet",
        )
    ],
    "resnet50_imagenet": [
        "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
        "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
        "resnet50_weights_tf_dim_ordering_tf_kernels.h5",
    ],
}
REAL_HASHES = {  # as published: Keras (MNIST, ResNet50), MedMNIST 3.0.2, the Hugging Face LFS sha256
    REAL_URLS["mnist"][0]: "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    REAL_URLS["pathmnist"][0]: "md5:a8b06965200029087d5bd730944a56c1",
    REAL_URLS["human_nontata_promoters"][
        0
    ]: "75e934078d6b880464c6a60f2e5ffd5b894204a11f32aac8c9607adcae625afa",
    REAL_URLS["human_nontata_promoters"][
        1
    ]: "baac2b635666547c56c6482d6c7dd53def995cdcc4acca367f980c82d15c9f39",
    REAL_URLS["resnet50_imagenet"][0]: "md5:4d473c1dd8becc155b73f8504c6f6626",
    REAL_URLS["resnet50_imagenet"][1]: "md5:2cb95161c43110f7111970584f804107",
}
CDN = "/cas-bridge"  # Hugging Face answers /resolve/ with a redirect to its file CDN; so does the mirror


class Mirror:
    """A static file server on 127.0.0.1 in the real URL layout, recording the paths requested."""

    def __init__(self, root: Path):
        import functools
        import threading
        from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

        self.root, self.requests = root, []
        requests = self.requests

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self):
                requests.append(self.path)
                if "/resolve/" in self.path and not self.path.startswith(CDN):
                    self.send_response(302)
                    self.send_header("Location", CDN + self.path)
                    self.end_headers()
                    return
                self.path = self.path.removeprefix(CDN)
                super().do_GET()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def put(self, url: str, payload: bytes) -> bytes:
        """Serve ``payload`` at the path of the real ``url`` (its query is ignored, as by Zenodo)."""
        from urllib.parse import urlsplit

        target = self.root / urlsplit(url).path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(payload)
        return payload

    def paths(self) -> list[str]:
        return [p.removeprefix(CDN) for p in self.requests if p.startswith(CDN) or "/resolve/" not in p]


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    server = Mirror(tmp_path / "www")
    monkeypatch.setenv(data.MIRROR_ENV, server.url)
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    yield server
    server.server.shutdown()
    server.server.server_close()


def _pin(monkeypatch, info: data.DatasetInfo, url: str, payload: bytes, algorithm: str = "sha256") -> None:
    """Patch the registry's hash of ``url`` to that of the generated ``payload`` (same algorithm)."""
    digest = hashlib.new(algorithm, payload).hexdigest()
    monkeypatch.setitem(info.files, url, digest if algorithm == "sha256" else f"{algorithm}:{digest}")


def _npz(**arrays) -> bytes:
    import io

    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _keras_source(*parts: str) -> str:
    """A file of the installed Keras, read as text (without importing TensorFlow)."""
    import importlib.util

    return Path(importlib.util.find_spec("keras").submodule_search_locations[0], "src", *parts).read_text()


def test_registry_keeps_the_real_urls_and_hashes():
    for name, urls in REAL_URLS.items():
        assert list(data.REGISTRY[name].files) == urls, name
        for url in urls:
            assert data.REGISTRY[name].files[url] == REAL_HASHES[url], url
    # Keras's own download code names the same MNIST file and the same ResNet50 files and MD5s
    mnist_py, resnet_py = _keras_source("datasets", "mnist.py"), _keras_source("applications", "resnet.py")
    assert '"https://storage.googleapis.com/tensorflow/tf-keras-datasets/"' in mnist_py
    assert REAL_HASHES[REAL_URLS["mnist"][0]] in mnist_py
    assert '"https://storage.googleapis.com/tensorflow/keras-applications/resnet/"' in resnet_py
    top, notop = (REAL_HASHES[url].removeprefix("md5:") for url in REAL_URLS["resnet50_imagenet"][::-1])
    assert f'"resnet50": (\n        "{top}",\n        "{notop}",\n    )' in resnet_py


def test_mirror_replaces_scheme_and_host_only(monkeypatch):
    monkeypatch.setenv(data.MIRROR_ENV, "http://127.0.0.1:8000/")
    assert data._download_url(data.PATHMNIST_URL) == (
        "http://127.0.0.1:8000/records/10519652/files/pathmnist.npz?download=1"
    )
    monkeypatch.setenv(data.MIRROR_ENV, "https://mirror.example.org/seqdl")
    assert data._download_url(data.MNIST_URL) == (
        "https://mirror.example.org/seqdl/tensorflow/tf-keras-datasets/mnist.npz"
    )
    monkeypatch.delenv(data.MIRROR_ENV)
    assert data._download_url(data.MNIST_URL) == data.MNIST_URL
    for bad in ("127.0.0.1:8000", "ftp://host", "http://host/?x=1"):
        monkeypatch.setenv(data.MIRROR_ENV, bad)
        with pytest.raises(ValueError, match=f"{data.MIRROR_ENV}=.*: expected a base URL"):
            data._download_url(data.MNIST_URL)


def test_full_mnist_through_the_mirror(mirror, monkeypatch, tmp_path):
    url = REAL_URLS["mnist"][0]
    rng = np.random.default_rng(0)
    payload = mirror.put(
        url,
        _npz(
            x_train=rng.integers(0, 256, (5100, 28, 28), dtype=np.uint8),
            y_train=rng.integers(0, 10, 5100).astype(np.uint8),
            x_test=rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
            y_test=rng.integers(0, 10, 20).astype(np.uint8),
        ),
    )
    _pin(monkeypatch, data.MNIST, url, payload)
    d = data.load_mnist()
    assert mirror.paths() == ["/tensorflow/tf-keras-datasets/mnist.npz"]
    assert (len(d.train), len(d.val), len(d.test)) == (100, 5000, 20)
    assert d.train.x.dtype == np.float32 and d.train.x.max() <= 1.0 and d.test.y.dtype.kind == "i"
    assert (tmp_path / "cache" / "mnist" / "mnist.npz").read_bytes() == payload
    data.load_mnist()
    assert len(mirror.requests) == 1  # verified in the cache, not downloaded again


def test_pathmnist_through_the_mirror(mirror, monkeypatch, tmp_path):
    url = REAL_URLS["pathmnist"][0]
    rng = np.random.default_rng(0)
    arrays = {}
    for split, n in (("train", 12), ("val", 3), ("test", 5)):  # the real file's keys, shapes and dtypes
        arrays[f"{split}_images"] = rng.integers(0, 256, (n, 28, 28, 3), dtype=np.uint8)
        arrays[f"{split}_labels"] = rng.integers(0, 9, (n, 1), dtype=np.uint8)
    payload = mirror.put(url, _npz(**arrays))
    _pin(monkeypatch, data.PATHMNIST, url, payload, algorithm="md5")
    d = data.load_pathmnist()
    assert mirror.paths() == ["/records/10519652/files/pathmnist.npz?download=1"]
    assert (len(d.train), len(d.val), len(d.test)) == (12, 3, 5) and d.train.y.shape == (12,)
    assert d.train.x.dtype == np.uint8 and len(d.classes) == 9
    assert (tmp_path / "cache" / "pathmnist" / "pathmnist.npz").read_bytes() == payload


def test_genomic_benchmarks_promoters_through_the_mirror(mirror, monkeypatch, tmp_path):
    import io

    import pandas as pd

    rng = np.random.default_rng(0)
    for url, n in zip(REAL_URLS["human_nontata_promoters"], (40, 10)):
        frame = pd.DataFrame(
            {
                "seq": ["".join(rng.choice(list("ACGTN"), 251)) for _ in range(n)],
                "label": np.tile([0, 1], n // 2),
            }
        )
        buffer = io.BytesIO()
        frame.to_parquet(buffer)
        _pin(monkeypatch, data.PROMOTERS, url, mirror.put(url, buffer.getvalue()))
    d = data.load_promoters()
    assert mirror.paths() == [
        u.removeprefix("https://huggingface.co") for u in REAL_URLS["human_nontata_promoters"]
    ]
    assert any(p.startswith(CDN) for p in mirror.requests)  # the redirect was followed
    assert (len(d.train), len(d.val), len(d.test)) == (36, 4, 10)
    assert all(len(s) == 251 for s in d.test.x) and set(d.train.y) == {0, 1}
    cached = sorted(p.name for p in (tmp_path / "cache" / "human_nontata_promoters").iterdir())
    assert cached == sorted(u.split("/")[-1] for u in REAL_URLS["human_nontata_promoters"])


@pytest.fixture(scope="module")
def resnet50_weights_file(tmp_path_factory):
    """ResNet50's weights (random, not ImageNet's) in the legacy HDF5 layout of Keras's weight files."""
    import h5py
    import keras
    from keras.src.legacy.saving import legacy_h5_format

    model = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3))
    path = tmp_path_factory.mktemp("resnet") / "weights.h5"
    with h5py.File(path, "w") as handle:
        legacy_h5_format.save_weights_to_hdf5_group(handle, model)
    return path, model.get_layer("conv5_block3_3_conv").get_weights()[0]


def test_resnet50_weights_through_the_mirror_load_into_keras(
    mirror, monkeypatch, tmp_path, resnet50_weights_file
):
    """The chapter's path: fetch the notop file (MD5 checked), then ResNet50(weights=<that file>)."""
    import keras

    source, kernel = resnet50_weights_file
    url = REAL_URLS["resnet50_imagenet"][0]
    _pin(monkeypatch, data.RESNET50_IMAGENET, url, mirror.put(url, source.read_bytes()), algorithm="md5")
    path = data.resnet50_imagenet_weights()
    assert mirror.paths() == ["/tensorflow/keras-applications/resnet/" + url.split("/")[-1]]
    assert (
        path
        == tmp_path / "cache" / "resnet50_imagenet" / "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
    )
    model = keras.applications.ResNet50(
        weights=path, include_top=False, input_shape=(32, 32, 3), pooling="avg"
    )
    assert np.array_equal(model.get_layer("conv5_block3_3_conv").get_weights()[0], kernel)


@pytest.mark.parametrize(
    "name, load",
    [
        ("mnist", lambda: data.load_mnist()),
        ("pathmnist", lambda: data.load_pathmnist()),
        ("human_nontata_promoters", lambda: data.load_promoters()),
        ("resnet50_imagenet", lambda: data.resnet50_imagenet_weights()),
    ],
)
def test_a_file_that_does_not_match_the_real_checksum_is_rejected(mirror, name, load):
    """With the registry's real hashes, the mirror's generated files must fail verification."""
    for url in REAL_URLS[name]:
        mirror.put(url, b"not the published file")
    with pytest.raises(data.DataIntegrityError, match="failed verification"):
        load()


def test_a_missing_file_is_unavailable_with_the_http_status(mirror, capsys):
    """A wrong URL (the mirror has nothing there) reads as one sentence with the status, then falls back."""
    with pytest.raises(data.DatasetUnavailableError, match="HTTP 404") as err:
        data.load_mnist()
    assert err.value.dataset == "mnist" and mirror.url in str(err.value)
    data.load_with_fallback(data.load_mnist, data.load_mnist_subset)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "answered HTTP 404" in out and "mnist_5k" in out
