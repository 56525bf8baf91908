import fnmatch
import os

from hypothesis import settings

settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# The long tests, longest first, so that pytest-xdist starts them early and the short tests
# fill the tail: with `--dist loadgroup` (pyproject.toml) every test is its own unit, handed to
# whichever worker is free, in this order. Seconds: `pytest -n 2 --durations` on the 2-core CI
# machine (a loaded one), before and after RTL generation moved to a short stack. The wide
# configuration's RTL and Verilator build (gen ~4 min, build ~3 min), needed by every [wide]
# test below, is made by the very first test; the other [wide] tests come late enough that it
# is there when they start (they would wait on its lock). A test not listed keeps its place in
# the collection order, after these.
SLOW_FIRST = [
    "tests/test_pipeline_rtl.py::test_the_bench_micro_programs_retire_when_the_timing_model_says[[]wide]",  # 1171
    "tests/test_rtl_gen.py::test_tiny_synthesizes_without_latches",                  # 353 (yosys, one thread)
    "tests/test_shrink.py::test_a_failing_random_program_of_a_planted_bug_shrinks_to_a_small_reproducer",  # 345
    "tests/test_regress_rtl.py::test_nightly_twice_gives_history_junit_and_a_coverage_report",  # 319
    "tests/test_uvm.py::test_an_unusual_legal_configuration_lints_and_passes",      # 443 (its own RTL)
    "tests/test_cli.py::test_regress_smoke_runs_the_rtl_part",                        # 222
    "tests/test_bench.py::test_bench_quick_json_is_pure_json_with_the_tracked_ratios",  # 220
    "tests/test_regress_rtl.py::test_killing_a_run_midway_loses_nothing_and_the_next_run_works[[]*]",  # 137, 118
    "tests/test_regress_rtl.py::test_hangs_are_recorded_and_rerun_failed_reruns_them_with_waveforms",  # 127
    "tests/test_rtl_gen.py::test_gen_cli_writes_verilog_and_manifest_for_an_override",  # 468 (its own RTL)
    "tests/test_bench.py::test_the_bare_harness_retires_what_the_testbench_checks",  # 102
    "tests/test_rtl_units.py::test_verilator_matches_golden[[]*]",                    # 80, 55
    "tests/test_mutation.py::test_a_mutant_the_smoke_must_see_is_killed_in_the_schemata_and_an_equivalent_one_is_not_run",  # 83
    "tests/test_planted_bugs.py::*",                                                  # 66 the first (the build), 5-10 each
    "tests/test_rtl_directed.py::test_directed_programs_on_rtl[[]wide]",             # 746 (waiting for the build)
    "tests/test_uvm.py::test_random_programs_pass[[]wide]",                          # 15
    "tests/test_rtl_gen.py::test_named_configuration_lints_clean[[]wide]",           # 23
    "tests/test_pipeline_rtl.py::test_the_observation_port_reports_each_pipeline_event_where_it_happens",  # 157
    "tests/test_pipeline_rtl.py::test_the_bench_micro_programs_retire_when_the_timing_model_says[[]default]",  # 49
    "tests/test_rtl_units.py::test_myhdl_matches_golden[[]*]",                        # 44 .. 5
    "tests/test_generator_streams.py::test_chains_forward_through_every_x_operand_at_every_distance",  # 27
    "tests/test_generator_streams.py::test_load_and_late_results_are_read_at_every_distance_up_to_late_use",  # 23
    "tests/test_uvm.py::test_code_coverage_is_collected_and_merges",                 # 21
    "tests/test_rtl_directed.py::test_directed_programs_on_rtl[[]*]",               # 20
    "tests/test_mutation.py::test_sampled_mutants_of_the_real_design_are_legal_verilog",  # 20
    "tests/test_rtl_units.py::test_converts_and_lints_clean[[]*]",                   # 19 .. 1
    "tests/test_generator.py::test_random_programs_terminate_within_limits[[]wide]",  # 15
    "tests/test_uarch_targets.py::test_one_coverage_driven_job_closes_every_bin_of_default_on_the_rtl",  # 15
    "tests/test_uvm.py::test_random_programs_pass[[]*]",                            # 14
]


def pytest_collection_modifyitems(config, items):
    """The tests of SLOW_FIRST first, in its order; the rest after them, in collection order.
    (Every pytest-xdist worker collects and sorts alike, so they agree on the order.)"""
    def rank(item):
        return next((i for i, pat in enumerate(SLOW_FIRST) if fnmatch.fnmatchcase(item.nodeid, pat)),
                    len(SLOW_FIRST))

    items[:] = sorted(items, key=rank)   # stable: collection order within a rank and after
