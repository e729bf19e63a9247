#!/usr/bin/env python3
"""Put every model named by a manifest in Models/*.json in place as Models/<file>, verified by SHA-256.

Run by `make models` (which `make run` and `make test` call):  python3 Models/fetch.py [NAME ...]

For each manifest: an existing Models/<file> with the right SHA-256 is kept; otherwise the file is
copied from the shared data folder (<shared>/<source.shared_path>; --shared, else env KWS_SHARED,
else ../shared beside the repository), from an installed Python package
(<package folder>/<source.package_path> for source.python_package, e.g. pymicro_wakeword's
wake-word models) or downloaded from source.url. Whatever arrives must match
the manifest's SHA-256. Model files are git-ignored: they are never committed.
"""

import argparse
import hashlib
import importlib.util
import json
import os
import pathlib
import shutil
import sys
import tempfile
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent


def sha256(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def place(manifest: dict, shared: pathlib.Path) -> str:
    """Returns a one-line description of what was done; raises RuntimeError with the reasons on failure."""
    target = HERE / manifest["file"]
    want = manifest["sha256"].lower()
    if target.exists() and sha256(target) == want:
        return f"{target.name} already in place"
    problems = []
    source = manifest.get("source", {})

    shared_path = source.get("shared_path")
    if shared_path:
        candidate = shared / shared_path
        if not candidate.exists():
            problems.append(f"not in the shared data folder ({candidate} does not exist)")
        elif sha256(candidate) != want:
            problems.append(f"{candidate} has SHA-256 {sha256(candidate)}, the manifest expects {want}")
        else:
            install(candidate.read_bytes(), target)
            return f"{target.name} copied from {candidate}"

    package = source.get("python_package")
    if package:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            problems.append(f"Python package {package} is not installed (pip install -r requirements.txt)")
        else:
            candidate = pathlib.Path(list(spec.submodule_search_locations)[0]) / source["package_path"]
            if not candidate.exists():
                problems.append(f"{candidate} does not exist in the installed {package}")
            elif sha256(candidate) != want:
                problems.append(f"{candidate} has SHA-256 {sha256(candidate)}, the manifest expects {want} "
                                f"(another {package} version?)")
            else:
                install(candidate.read_bytes(), target)
                return f"{target.name} copied from {candidate}"

    url = source.get("url")
    if url:
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                data = response.read()
        except Exception as error:  # network errors come in many types; all mean "not from here"
            problems.append(f"download from {url} failed: {error}")
        else:
            got = hashlib.sha256(data).hexdigest()
            if got != want:
                problems.append(f"download from {url} has SHA-256 {got}, the manifest expects {want}")
            else:
                install(data, target)
                return f"{target.name} downloaded from {url}"
    if not problems:
        problems.append("the manifest names no source (source.shared_path, source.python_package or source.url)")
    raise RuntimeError("; ".join(problems))


def install(data: bytes, target: pathlib.Path):
    """Writes through a temporary file so an interrupted copy never leaves a half model behind."""
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
        tmp.write(data)
    os.chmod(tmp.name, 0o644)
    shutil.move(tmp.name, target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="manifest names (default: every Models/*.json)")
    parser.add_argument("--shared", help="the shared data folder (default: env KWS_SHARED, else ../shared)")
    args = parser.parse_args()
    shared = pathlib.Path(args.shared or os.environ.get("KWS_SHARED") or HERE.parent.parent / "shared")
    names = args.names or sorted(p.stem for p in HERE.glob("*.json"))
    failed = 0
    for name in names:
        path = HERE / f"{name}.json"
        if not path.exists():
            print(f"models: no manifest {path}; known: "
                  + ", ".join(sorted(p.stem for p in HERE.glob('*.json'))), file=sys.stderr)
            failed += 1
            continue
        try:
            manifest = json.loads(path.read_text())
            print(f"models: {name}: {place(manifest, shared)}")
        except (KeyError, json.JSONDecodeError) as error:
            print(f"models: error: manifest {path} is malformed ({error!r}); fix it.", file=sys.stderr)
            failed += 1
        except RuntimeError as error:
            print(f"models: error: cannot put {name} in place: {error}. Make the shared data folder "
                  f"available (--shared or KWS_SHARED), or the network, or copy the file to "
                  f"{HERE / manifest['file']} by hand.", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
