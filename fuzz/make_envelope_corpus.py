#!/usr/bin/env python3
"""Writes one seed file per vector of tests/vectors/envelopes.json (valid and invalid) into
fuzz/corpus/envelope/, named after the vector. Rerun after adding vectors; regression inputs
found by the fuzzer are kept beside them under names starting with "regression-"."""
import base64
import json
import pathlib
import re

root = pathlib.Path(__file__).resolve().parent.parent
vectors = json.loads((root / "tests/vectors/envelopes.json").read_text())
out = root / "fuzz/corpus/envelope"
out.mkdir(parents=True, exist_ok=True)
for kind in ("valid", "invalid"):
    for vector in vectors[kind]:
        if "input_base64" in vector:
            data = base64.b64decode(vector["input_base64"])
        else:
            data = vector["input"].encode()
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", vector["name"])
        (out / f"{kind}-{name}").write_bytes(data)
