"""Execute notebooks headlessly with the real tslab kernel through Jupyter (nbclient).

Usage: execute.py <output dir> <notebook.ipynb>...

Each executed notebook, outputs included, is written to the output dir. Exits 1 if any cell of any
notebook raises, after printing that cell's error; prints one line per notebook with its run time.
"""
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

# The kernelspec sets NODE_OPTIONS=--import tsx itself (tools/setup/setup.sh).


def execute(path: str, out_dir: str) -> bool:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, kernel_name="tslab", timeout=900, resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    started = time.monotonic()
    ok = True
    try:
        client.execute()
    except CellExecutionError as error:
        ok = False
        print(f"FAILED {path}\n{error}", file=sys.stderr)
    finally:
        nbformat.write(notebook, os.path.join(out_dir, os.path.basename(path)))
    print(f"{'ok    ' if ok else 'FAILED'} {path} ({time.monotonic() - started:.1f} s, {len(notebook.cells)} cells)", flush=True)
    return ok


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out_dir, paths = sys.argv[1], sys.argv[2:]
    os.makedirs(out_dir, exist_ok=True)
    results = [execute(path, out_dir) for path in paths]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
