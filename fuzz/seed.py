#!/usr/bin/env python3
"""Copies the seed corpora into fuzz/corpus/<target>/ (git-ignored), from the repository's own
inputs: the policy files for policy_file; the golden cases' scenarios and the examples for
scenario_json; for fragment, the links the browser tests use (tests/e2e/*.mjs, `#v1;…`).
Run from anywhere; `make fuzz` runs it before fuzzing."""

import json
import pathlib
import re

root = pathlib.Path(__file__).resolve().parent.parent
corpus = root / "fuzz" / "corpus"


def seed(target, name, text):
    folder = corpus / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"seed-{name}").write_text(text, encoding="utf-8")


for path in sorted((root / "policies").rglob("*.toml")):
    seed("policy_file", path.name, path.read_text(encoding="utf-8"))
for path in sorted((root / "tests" / "cases").glob("*.json")):
    scenario = json.loads(path.read_text(encoding="utf-8"))["scenario"]
    seed("scenario_json", path.name, json.dumps(scenario, ensure_ascii=False, indent=1))
for path in sorted((root / "examples").glob("*.json")):
    seed("scenario_json", path.name, path.read_text(encoding="utf-8"))
links = set()
for path in sorted((root / "tests" / "e2e").glob("*.mjs")):
    links.update(re.findall(r"#(v1;[A-Za-z0-9\-._~:;,=@%]+)", path.read_text(encoding="utf-8")))
for i, link in enumerate(sorted(links)):
    seed("fragment", f"e2e-{i}", link)
seed("fragment", "minimal", "v1;p=qiannan-employee;m=retiree;v=2023-03-15:s:300")
