"""`lpu cov report`: merging a run's functional and code coverage, the JSON and text
summaries, and the HTML page rendered for real in headless Chromium."""

import json
import re
import shutil
import subprocess

import numpy as np
import pytest

from isa_spec import load_spec, make_config
from lpu.cli import main
from regress.covreport.collect import collect_runs
from regress.covreport.render import write_report
from regress.jobs import Job
from regress.results import ResultsDB, Status, TestResult
from verif.coverage import CoverageModel

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _point(line: int, kind: str, name: str) -> str:
    return f"\x01f\x02lpu_top.v\x01l\x02{line}\x01t\x02{kind}\x01o\x02{name}\x01h\x02TOP.lpu_top"


def _dat(path, points: dict[str, int]) -> None:
    path.write_text("# SystemC::Coverage-3\n" + "".join(f"C '{k}' {n}\n" for k, n in points.items()))


@pytest.fixture(scope="module")
def synthetic_run(tmp_path_factory):
    """A recorded run of two tiny tests with known coverage: test A hits the first half of
    the possible bins once, test B every third possible bin twice; code coverage: 3 line
    points of which 2 are hit over both tests, 2 toggle points of which 1 is hit."""
    tmp = tmp_path_factory.mktemp("cov")
    spec = load_spec()
    config = make_config(spec, "tiny")
    db = ResultsDB(tmp / "results.sqlite")
    run = db.start_run("nightly", "c0ffee")
    run_dir = tmp / f"run{run:04d}"
    db.update_run(run, out_dir=str(run_dir))
    possible = [i for i, p in enumerate(CoverageModel(spec, config).possible) if p]
    sets = {"A": possible[: len(possible) // 2], "B": possible[::3]}
    code = {"A": {_point(10, "line", "a"): 1, _point(11, "line", "b"): 0, _point(12, "line", "c"): 0,
                  _point(20, "toggle", "sig_x"): 0, _point(21, "toggle", "sig_y"): 3},
            "B": {_point(10, "line", "a"): 0, _point(11, "line", "b"): 2, _point(12, "line", "c"): 0,
                  _point(20, "toggle", "sig_x"): 0, _point(21, "toggle", "sig_y"): 0}}
    for k, (name, idx) in enumerate(sets.items()):
        job = Job("tiny", "random", seed=k + 1)
        d = run_dir / "tests" / job.dirname
        d.mkdir(parents=True)
        m = CoverageModel(spec, config)
        m.hits[idx] = 1 if name == "A" else 2
        (d / "functional_coverage.json").write_text(m.to_json())
        _dat(d / "coverage.dat", code[name])
        db.record(run, TestResult("tiny", "random", k + 1, Status.PASSED, 1.0, job=job.to_json()))
    db.finish_run(run, "passed")
    covered = len(set(sets["A"]) | set(sets["B"]))
    expect = {"functional": 100.0 * covered / len(possible), "line": 100.0 * 2 / 3, "toggle": 50.0,
              "holes": len(possible) - covered}
    yield db, run, tmp, expect, spec
    db.close()


def test_merge_sums_the_hits_of_every_test(synthetic_run):
    db, run, _, expect, spec = synthetic_run
    cov = collect_runs(db, [run], spec)
    s = cov.summary()
    assert s["functional"] == pytest.approx(expect["functional"], abs=0.01)
    assert s["line"] == pytest.approx(expect["line"], abs=0.01)
    assert s["toggle"] == pytest.approx(expect["toggle"], abs=0.01)
    assert len(s["holes"]) == expect["holes"]
    model = cov.configs["tiny"].model
    assert int(model.hits.max()) == 3                  # a bin in both sets: 1 + 2
    assert set(np.unique(model.hits)) <= {0, 1, 2, 3}
    assert cov.configs["tiny"].tests == 2
    # the closure curve rises monotonically and ends at the merged percentage
    ys = [y for _, y in cov.configs["tiny"].curve]
    assert ys == sorted(ys) and ys[-1] == pytest.approx(expect["functional"])


def test_cli_json_has_the_promised_keys_and_the_text_summary_goes_to_stderr(synthetic_run, capsys):
    db, run, tmp, expect, _ = synthetic_run
    rc = main(["cov", "report", str(run), "--db", str(db.path), "--json"])
    out, err = capsys.readouterr()
    assert rc == 0
    doc = json.loads(out)
    assert {"functional", "line", "toggle", "holes"} <= set(doc)
    assert doc["functional"] == pytest.approx(expect["functional"], abs=0.01)
    assert len(doc["holes"]) == expect["holes"]
    assert all(h["config"] == "tiny" and h["spec"] for h in doc["holes"])
    assert "functional" in err and "holes" in err


def test_cli_errors_name_the_run_or_the_database(synthetic_run, capsys, tmp_path):
    db, run, *_ = synthetic_run
    assert main(["cov", "report", "99", "--db", str(db.path)]) == 1
    assert "no run 99" in capsys.readouterr().err
    assert main(["cov", "report", "x1", "--db", str(db.path)]) == 1
    assert "'x1' is not a run number" in capsys.readouterr().err
    assert main(["cov", "report", "1", "--db", str(tmp_path / "none.sqlite")]) == 1
    err = capsys.readouterr().err
    assert "no results database" in err and "Traceback" not in err


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_the_html_report_renders_in_headless_chromium_with_the_right_figures(synthetic_run, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    db, run, _, expect, spec = synthetic_run
    index = write_report(collect_runs(db, [run], spec), db, tmp_path / "html")
    html = index.read_text()
    assert not re.search(r"""(src|href)=["']https?://""", html), "the page must work offline"
    dom = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                          index.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert "</html>" in dom, "chromium rendered nothing"

    def card(name):
        m = re.search(rf'id="card-{name}"><div class="v[^"]*">([^<]+)<', dom)
        assert m, f"card {name} not on the rendered page"
        return m.group(1)

    assert card("functional") == f"{expect['functional']:.1f} %"
    assert card("line") == f"{expect['line']:.1f} %"
    assert card("toggle") == f"{expect['toggle']:.1f} %"
    assert card("holes") == str(expect["holes"])
    assert re.search(rf'<h2 class="bad">{expect["holes"]} coverage holes</h2>', dom)
    # every in-page link (holes -> spec entries, heat-map zeros -> spec) lands on an element
    ids = set(re.findall(r'id="([^"]+)"', dom))
    targets = set(re.findall(r'href="#([^"]+)"', dom))
    assert targets and targets <= ids, sorted(targets - ids)[:5]
    assert {f"spec-{n}" for n in spec.instructions} <= ids
    # the plots are drawn: the closure curve and the trend
    assert dom.count("<svg") >= 2 and "Functional coverage closure" in dom
