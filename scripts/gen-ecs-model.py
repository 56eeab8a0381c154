#!/usr/bin/env python3
"""Regenerates http/ecs-model.json, the request-validation model, from botocore's ECS model.

botocore (PyPI) is the registry package that ships the complete ECS model: with required
members, enums, lengths and ranges, which the npm SDKs strip. Only what request validation
needs is kept: operation inputs and the shapes they reach, without documentation.

  python3 scripts/gen-ecs-model.py            # uses the pinned botocore version
"""
import gzip
import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile

BOTOCORE = "1.44.8"
MODEL = "botocore/data/ecs/2014-11-13/service-2.json.gz"
KEEP = ("type", "required", "min", "max", "enum", "pattern", "box", "sensitive")


def fetch_model():
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "-d", tmp, f"botocore=={BOTOCORE}"],
            check=True,
        )
        wheel = next(pathlib.Path(tmp).glob("botocore-*.whl"))
        with zipfile.ZipFile(wheel) as z:
            return json.loads(gzip.decompress(z.read(MODEL)))


def compact(model):
    shapes = model["shapes"]
    out = {}

    def visit(name):
        if name in out:
            return
        src = shapes[name]
        shape = {k: src[k] for k in KEEP if k in src}
        out[name] = shape
        if "members" in src:
            shape["members"] = {m: v["shape"] for m, v in src["members"].items()}
            for target in shape["members"].values():
                visit(target)
        for part in ("member", "key", "value"):
            if part in src:
                shape[part] = src[part]["shape"]
                visit(src[part]["shape"])

    operations = {}
    for name, op in sorted(model["operations"].items()):
        entry = {}
        if "input" in op:
            entry["input"] = op["input"]["shape"]
            visit(op["input"]["shape"])
        operations[name] = entry
    errors = sorted(n for n, s in shapes.items() if s.get("exception"))
    return {
        "source": f"botocore {BOTOCORE} ecs/2014-11-13/service-2.json",
        "targetPrefix": model["metadata"]["targetPrefix"],
        "operations": operations,
        "errors": errors,
        "shapes": dict(sorted(out.items())),
    }


def main():
    target = pathlib.Path(__file__).resolve().parent.parent / "http" / "ecs-model.json"
    target.write_text(json.dumps(compact(fetch_model()), indent=1, sort_keys=False) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
