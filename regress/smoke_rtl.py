"""The smoke suite, RTL part: on tiny and default, the directed programs and a few random
programs run on the generated RTL under the UVM testbench (retirement-by-retirement checks)."""

from __future__ import annotations

from pathlib import Path

from isa_spec import Spec, make_config

from .smoke import CaseResult

SMOKE_CONFIGS = ("tiny", "default")


def rtl_smoke_results(spec: Spec, out: Path, seeds: int, configs=SMOKE_CONFIGS, echo=print) -> list[CaseResult]:
    from verif.simulate import SimRequest, simulate

    results = []
    for name in configs:
        config = make_config(spec, name)
        for test, count in (("directed", 1), ("random", seeds)):
            if count == 0:
                continue
            res = CaseResult(f"rtl {name}", f"{test}" + (f" seeds 1..{count}" if test == "random" else ""))
            echo(f"  rtl {name}: {res.name} ...", flush=True)
            try:
                r = simulate(SimRequest(config=config, config_name=name, overrides={}, test=test,
                                        test_dir=out / name / test, seed=1, count=count))
                if not r.passed:
                    res.messages = [r.failure.strip(), f"reproduce: {r.repro}"]
            except Exception as exc:  # a crash is this case's failure, never the others'
                res.messages = [f"{type(exc).__name__}: {exc}"]
            results.append(res)
    return results
