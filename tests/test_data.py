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
    assert d.name == "mnist_5k" and "online dataset unavailable" in out and "mnist_5k" in out


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
