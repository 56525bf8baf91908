"""Embedding files (compiler/embedding.py): exact round trips and one message per mistake."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from compiler.embedding import Embedding, dumps_embedding, load_embedding, save_embedding
from compiler.errors import CompileError


def _doc(**changes):
    doc = {"format": "lpu-boxes", "version": 1, "D": 2, "beta_i": 0.001, "beta_v": 0.01,
           "concepts": [{"name": "animal", "lo": [0, 0], "hi": [1, 1]},
                        {"name": "dog.n.01", "lo": [0.1, 0.2], "hi": [0.3, 0.4]}],
           "meta": {"source": "test"}}
    doc.update(changes)
    return doc


def _write(tmp_path, doc, name="boxes.json"):
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return p


def test_load_fields(tmp_path):
    emb = load_embedding(_write(tmp_path, _doc()))
    assert (emb.D, emb.beta_i, emb.beta_v, emb.names, emb.meta) == (2, 0.001, 0.01, ["animal", "dog.n.01"],
                                                                     {"source": "test"})
    assert emb.lo.dtype == np.float64 and emb.lo.shape == (2, 2)
    assert emb.hi[1].tolist() == [0.3, 0.4]
    assert emb.index("dog.n.01") == 1 and "animal" in emb and "cat" not in emb and len(emb) == 2
    with pytest.raises(KeyError, match="no concept 'cat'"):
        emb.index("cat")
    assert load_embedding(_write(tmp_path, {k: v for k, v in _doc().items() if k != "meta"})).meta == {}


_vals = st.floats(allow_nan=False, allow_infinity=False)


@given(st.integers(1, 4).flatmap(lambda D: st.tuples(
    st.just(D),
    st.lists(st.tuples(st.text(st.characters(blacklist_characters="`\n", blacklist_categories=("Cs",)),
                               min_size=1, max_size=6),
                       st.lists(_vals, min_size=D, max_size=D), st.lists(_vals, min_size=D, max_size=D)),
             min_size=1, max_size=5, unique_by=lambda c: c[0]),
    st.floats(min_value=0, exclude_min=True, allow_infinity=False))))
def test_round_trip_is_exact(tmp_path_factory, case):
    D, concepts, beta = case
    emb = Embedding(D, beta, 1 / 3, [c[0] for c in concepts], [c[1] for c in concepts], [c[2] for c in concepts],
                    {"b": [1, 2], "a": "x"})
    path = tmp_path_factory.mktemp("emb") / "e.json"
    save_embedding(emb, path)
    back = load_embedding(path)
    assert (back.D, back.beta_i, back.beta_v, back.names, back.meta) == (D, beta, 1 / 3, emb.names, emb.meta)
    # bit-exact, including the sign of zero
    assert back.lo.tobytes() == emb.lo.tobytes() and back.hi.tobytes() == emb.hi.tobytes()
    assert path.read_text() == dumps_embedding(back)          # saving again: the same bytes


def test_saved_file_is_canonical(tmp_path):
    emb = load_embedding(_write(tmp_path, _doc()))
    save_embedding(emb, tmp_path / "out.json")
    assert (tmp_path / "out.json").read_text().splitlines() == [
        "{", '  "format": "lpu-boxes",', '  "version": 1,', '  "D": 2,', '  "beta_i": 0.001,', '  "beta_v": 0.01,',
        '  "concepts": [',
        '    {"name": "animal", "lo": [0.0, 0.0], "hi": [1.0, 1.0]},',
        '    {"name": "dog.n.01", "lo": [0.1, 0.2], "hi": [0.3, 0.4]}',
        "  ],", '  "meta": {"source": "test"}', "}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boxes.json", "out.json"]   # no temporary left


def _concept(k, **changes):
    c = dict(_doc()["concepts"][k])
    c.update(changes)
    return c


BAD = [
    ("", "boxes.json: the file is empty"),
    ("   \n", "boxes.json: the file is empty"),
    ('{"format": "lpu-boxes", "version": 1, "D": 2, "conc', "boxes.json:1:"),
    ("[1, 2", "not valid JSON"),
    ("[" * 100000, "not valid JSON"),
    ("[1]", "expected a JSON object at the top, found list"),
    (_doc(format="boxes"), "'format' is 'boxes', expected 'lpu-boxes'"),
    (_doc(version=2), "unsupported version 2 (this compiler reads version 1)"),
    (_doc(version=True), "unsupported version True"),
    (_doc(D=0), "'D' must be an integer >= 1, found 0"),
    (_doc(D=2.0), "'D' must be an integer >= 1, found 2.0"),
    (_doc(beta_i=0), "'beta_i' must be finite and > 0, found 0"),
    (_doc(beta_v=-1.5), "'beta_v' must be finite and > 0, found -1.5"),
    (_doc(beta_v="1"), "'beta_v' must be a number, found '1'"),
    (_doc(concepts=[]), "'concepts' is empty"),
    (_doc(concepts={}), "'concepts' must be a list, found dict"),
    (_doc(meta=[1]), "'meta' must be a JSON object, found list"),
    (_doc(extra=1), "unknown field 'extra'"),
    (_doc(concepts=[_concept(0), _concept(1, name="animal")]), "concepts[1] ('animal'): duplicate name (first at concepts[0])"),
    (_doc(concepts=[_concept(0), _concept(1, lo=[1, 2, 3])]), "boxes.json: concepts[1] ('dog.n.01'): 'lo' has 3 values, D is 2"),
    (_doc(concepts=[_concept(0, hi=5)]), "concepts[0] ('animal'): 'hi' must be a list of 2 numbers, found int"),
    (_doc(concepts=[_concept(0, hi=[1, "x"])]), "concepts[0] ('animal'): 'hi'[1] is not a number ('x')"),
    (_doc(concepts=[_concept(0, hi=[1, True])]), "'hi'[1] is not a number (True)"),
    (_doc(concepts=[_concept(0, name="")]), "concepts[0] (''): 'name' must be a non-empty string"),
    (_doc(concepts=[_concept(0, name=7)]), "concepts[0]: 'name' must be a non-empty string, found 7"),
    (_doc(concepts=[_concept(0, name="a`b")]), "'name' holds '`' or a newline"),
    (_doc(concepts=[{"name": "x", "lo": [0, 0]}]), "concepts[0] ('x'): missing field 'hi'"),
    (_doc(concepts=[dict(_concept(0), colour=1)]), "concepts[0] ('animal'): unknown field 'colour'"),
    (_doc(concepts=[3]), "concepts[0]: expected an object with name, lo, hi, found int"),
]


@pytest.mark.parametrize("doc, message", BAD)
def test_bad_file_message(tmp_path, doc, message):
    with pytest.raises(CompileError) as info:
        load_embedding(_write(tmp_path, doc))
    assert message in str(info.value) and str(info.value).startswith(str(tmp_path / "boxes.json"))
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999", "1" + "0" * 400])
def test_non_finite_coordinates_and_temperatures(tmp_path, value):
    text = json.dumps(_doc()).replace('"lo": [0.1, 0.2]', f'"lo": [0.1, {value}]')
    with pytest.raises(CompileError, match=r"concepts\[1\] \('dog.n.01'\): 'lo'\[1\] is not a finite number"):
        load_embedding(_write(tmp_path, text))
    text = json.dumps(_doc()).replace('"beta_i": 0.001', f'"beta_i": {value}')
    with pytest.raises(CompileError, match="'beta_i' must be finite and > 0"):
        load_embedding(_write(tmp_path, text))


def test_unreadable_files(tmp_path):
    with pytest.raises(CompileError, match="missing.json: cannot read the file: No such file"):
        load_embedding(tmp_path / "missing.json")
    (tmp_path / "bin.json").write_bytes(b'{"format": "\xff"}')
    with pytest.raises(CompileError, match="bin.json: not UTF-8 text"):
        load_embedding(tmp_path / "bin.json")


def test_embedding_built_in_python_is_checked(tmp_path):
    with pytest.raises(CompileError, match=r"'lo' has shape \(1, 3\), expected \(1, 2\)"):
        Embedding(2, 1.0, 1.0, ["a"], [[0, 0, 0]], [[1, 1]])
    with pytest.raises(CompileError, match=r"concepts\[0\] \('a'\): 'hi'\[1\] is not finite \(nan\)"):
        Embedding(2, 1.0, 1.0, ["a"], [[0, 0]], [[1, np.nan]])
    with pytest.raises(CompileError, match="duplicate name"):
        Embedding(1, 1.0, 1.0, ["a", "a"], [[0], [0]], [[1], [1]])
    emb = Embedding(1, 1.0, 1.0, ["a"], [[0]], [[1]], {"x": float("nan")})
    with pytest.raises(CompileError, match="'meta' is not plain JSON"):
        save_embedding(emb, tmp_path / "m.json")
    assert not list(tmp_path.iterdir())


def test_docs_example_file_loads(tmp_path):
    text = (Path(__file__).resolve().parent.parent / "docs" / "slrm.md").read_text()
    example = text.split("```json\n", 1)[1].split("```", 1)[0]
    emb = load_embedding(_write(tmp_path, example))
    assert emb.names == ["animal", "dog.n.01"] and emb.D == 2
    assert dumps_embedding(emb) == example          # the documented layout is the canonical one
