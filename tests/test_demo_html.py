"""The demo's HTML page renders offline in headless Chromium with its figures and plots."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from demo import dataset
from demo.html import write_page
from demo.report import run_demo

pytest.importorskip("torch")
pytest.importorskip("box_embeddings")

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def test_the_demo_page_renders_in_headless_chromium_with_the_plots(tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    data = dataset.load(dataset.synthetic(tmp_path / "data", depth=2, fanout=3, seed=2))
    rep = run_demo(data, tmp_path / "work", ["default"])
    index = write_page(rep, tmp_path / "html")
    page = index.read_text()
    assert not re.search(r"""(src|href)=["']https?://""", page), "the page must work offline"
    assert "<script" not in page
    dom = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                          index.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert "</html>" in dom, "chromium rendered nothing"

    def card(name):
        m = re.search(rf'id="card-{name}"><div class="v">([^<]+)<', dom)
        assert m, f"card {name} not on the rendered page"
        return m.group(1)

    c = rep.configs[0]
    assert card("f1-float") == f"{rep.torch_prf.f1:.4f}"
    assert card("f1-default") == f"{c.prf.f1:.4f}"
    assert card("agree-default") == f"{c.agreement:.3%}"
    assert card("cycles-default") == f"{c.cycles_per_query:.1f}"
    for plot in ("plot-pr", "plot-scatter", "plot-residual", "plot-boxes"):
        assert f'id="{plot}"' in dom, plot
    # the curves and points are drawn: one PR line per model, a point per query, two bound lines
    assert dom.count('class="pr-float"') == 1 and dom.count('class="pr-lpu"') == 1
    scatter = dom.split('id="plot-scatter"')[1].split("</svg>")[0]
    assert scatter.count('class="pt"') == len(data.test)
    assert scatter.count('class="bound"') == 2
    boxes = dom.split('id="plot-boxes"')[1].split("</svg>")[0]
    assert boxes.count('class="box"') >= 3
    assert "threshold on log P(parent|child)" in dom
