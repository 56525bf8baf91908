"""The verification top `lpu_tb`: a Verilog wrapper around the generated `lpu_top` that lets
the Python testbench run a whole program per wake-up instead of per clock edge.

It does, in the simulator, what the harness used to do from Python cycle by cycle, through
the same documented ports (docs/rtl_ports.md):
- loads a program: holds reset, writes the text and data images (read with $readmemh from
  TEXT_FILE and DATA_FILE; the data image's trailing zeros are not in the file but written
  all the same) through the host ports one word per cycle, releases reset;
- runs the core to `halted` or to a cycle limit, then two more cycles (the last record);
- logs every retirement of the trace port to TRACE_FILE, one hex record per line, in a
  canonical form: fields whose valid bit is clear are zero (as RVFI specifies), so that a
  record compares with the golden model's as one integer;
- logs the observation port to OBS_FILE in every running cycle with a pipeline event (a
  stall, flush, forward or bypass), with the cycle number (OBS_PORTS, obs_layout);
- after the halt, walks the debug port over the whole architectural state (DUMP_SECTIONS)
  and appends one hex word per line to STATE_FILE;
- pulses `tb_done`.
Python flips `tb_req` to start a program and awaits `tb_done`: one wake-up per program.

The wrapper is verification code, not part of the design: it is never mutated, synthesised
or counted in code coverage.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from isa_spec import Config, Spec
from rtl_gen.top import DBG_BHI, DBG_BLO, DBG_CSR, DBG_DMEM, DBG_PC, DBG_X, TOP_NAME

TB_NAME = "lpu_tb"
CLOCK_NS = 10
PUBLIC = "/*verilator public_flat_rw*/"
TEXT_FILE, DATA_FILE = "lpu_text.hex", "lpu_data.hex"
TRACE_FILE, STATE_FILE, OBS_FILE = "lpu_trace.hex", "lpu_state.hex", "lpu_obs.hex"
# The observation-port fields logged per event cycle (docs/rtl_ports.md), after the cycle number.
OBS_PORTS = ("stall", "flush", "mispred", "fwd", "bypass", "ex_valid", "ex_pc", "id_valid", "id_pc",
             "if_valid", "if_pc")
OBS_EVENTS = ("stall", "flush", "fwd", "bypass")   # a cycle is logged when one of these is non-zero
OBS_CYCLE_BITS = 32
DESIGN_INPUTS = ("clk", "rst", "host_imem_we", "host_imem_addr", "host_imem_wdata", "host_dmem_we",
                 "host_dmem_addr", "host_dmem_wdata", "dbg_sel", "dbg_idx")
# A field that is meaningful only when its valid bit is set: field -> valid bit.
QUALIFIED = {"cause": "trap", "tval": "trap", "rd_addr": "rd_we", "rd_wdata": "rd_we", "bd_addr": "bd_we",
             "bd_lo": "bd_we", "bd_hi": "bd_we", "mem_addr": "mem_we", "mem_count": "mem_we",
             "csr_addr": "csr_we", "csr_wdata": "csr_we", "br_pred": "br_valid", "br_taken": "br_valid",
             "br_counter": "br_valid"}


@dataclass(frozen=True)
class TraceLayout:
    """Where each trace-port field sits in a logged record: (name, lsb, width), first field
    in the most significant bits (the order of verif.retire.TRACE_PORTS)."""

    fields: tuple[tuple[str, int, int], ...]
    width: int

    def unpack(self, record: int) -> dict[str, int]:
        return {n: (record >> lsb) & ((1 << w) - 1) for n, lsb, w in self.fields}

    def pack(self, values: dict[str, int]) -> int:
        """The record with these field values (missing fields are zero)."""
        out = 0
        for n, lsb, w in self.fields:
            v = values.get(n, 0)
            if v:
                out |= (v & ((1 << w) - 1)) << lsb
        return out


def port_widths(config: Config, spec: Spec) -> dict[str, int]:
    from rtl_gen.config import RtlConfig
    from rtl_gen.top import top_ports

    return {name: len(sig) for name, sig in top_ports(RtlConfig.from_config(config, spec)).items()}


def _layout(named: list[tuple[str, int]]) -> TraceLayout:
    total = sum(w for _, w in named)
    fields, top = [], total
    for n, w in named:
        top -= w
        fields.append((n, top, w))
    return TraceLayout(tuple(fields), total)


def trace_layout(widths: dict[str, int]) -> TraceLayout:
    from verif.retire import TRACE_PORTS

    return _layout([(n, widths[f"rvfi_{n}"]) for n in TRACE_PORTS])


def obs_layout(widths: dict[str, int]) -> TraceLayout:
    """The observation log's record: the cycle number, then the OBS_PORTS fields."""
    return _layout([("cycle", OBS_CYCLE_BITS)] + [(n, widths[f"obs_{n}"]) for n in OBS_PORTS])


def dump_sections(spec: Spec, config: Config) -> list[tuple[str, int, list[int]]]:
    """The debug-port walk after a halt: (state part, selector, indices), in file order."""
    boxes = config["BREGS"] * config["D"]
    return [("x", DBG_X, list(range(config["SREGS"]))), ("lo", DBG_BLO, list(range(boxes))),
            ("hi", DBG_BHI, list(range(boxes))), ("dmem", DBG_DMEM, list(range(config["DMEM_WORDS"]))),
            ("csr", DBG_CSR, [c.number for c in spec.csrs.values()]), ("pc", DBG_PC, [0])]


def parse_state(words: list[int], spec: Spec, config: Config) -> dict:
    """One dump (STATE_FILE lines) in the shape of golden_model ArchState.snapshot()."""
    from golden_model.state import to_s32 as s32

    parts, i = {}, 0
    for name, _, idx in dump_sections(spec, config):
        parts[name] = words[i:i + len(idx)]
        i += len(idx)
    if i != len(words):
        raise ValueError(f"a state dump has {len(words)} words, expected {i}")
    d = config["D"]
    boxes = [{"lo": [s32(v) for v in parts["lo"][b * d:(b + 1) * d]],
              "hi": [s32(v) for v in parts["hi"][b * d:(b + 1) * d]]} for b in range(config["BREGS"])]
    return {"pc": parts["pc"][0], "x": [s32(v) for v in parts["x"]], "boxes": boxes,
            "csr": dict(zip((c.name for c in spec.csrs.values()), parts["csr"], strict=True)),
            "dmem": [s32(v) for v in parts["dmem"]]}


def _canonical(widths: dict[str, int], config: Config) -> tuple[list[str], list[str]]:
    """Declarations and the concatenation of the canonical trace record."""
    from verif.retire import TRACE_PORTS

    decls, parts = [], []
    for n in TRACE_PORTS:
        w, sig = widths[f"rvfi_{n}"], f"rvfi_{n}"
        if n == "mem_wdata":
            words = w // 32
            decls.append(f"    wire [{w - 1}:0] c_mem_wdata;")
            for i in range(words):
                decls.append(f"    assign c_mem_wdata[{32 * i + 31}:{32 * i}] = (rvfi_mem_we && rvfi_mem_count > {i})"
                             f" ? rvfi_mem_wdata[{32 * i + 31}:{32 * i}] : 32'd0;")
            parts.append("c_mem_wdata")
        elif n in QUALIFIED:
            parts.append(f"(rvfi_{QUALIFIED[n]} ? {sig} : {w}'d0)")
        else:
            parts.append(sig)
    return decls, parts


def render(spec: Spec, config: Config) -> str:
    widths = port_widths(config, spec)
    layout, obs = trace_layout(widths), obs_layout(widths)
    decls, parts = _canonical(widths, config)
    sections = dump_sections(spec, config)
    n_dump = sum(len(idx) for _, _, idx in sections)
    aw_i, aw_d = widths["host_imem_addr"], widths["host_dmem_addr"]
    out = [f"// {TB_NAME}: verification wrapper of {TOP_NAME} (generated by verif/tb_top.py; not part of the design)",
           "`timescale 1ns/10ps",
           "/* verilator coverage_off */",
           f"module {TB_NAME} (",
           "    // the testbench's only access: public for VPI (nothing inside the design is)",
           f"    input tb_req {PUBLIC},                  // flipped to start the next program",
           f"    input [31:0] tb_text_words {PUBLIC},    // words in TEXT_FILE",
           f"    input [31:0] tb_data_words {PUBLIC},    // words in DATA_FILE",
           f"    input [31:0] tb_dmem_words {PUBLIC},    // words to write: DATA_FILE's, then zeros",
           f"    input [31:0] tb_max_cycles {PUBLIC},    // run limit after reset",
           f"    output reg tb_done {PUBLIC},            // one-cycle pulse: run, trace and dump finished",
           f"    output reg tb_timeout {PUBLIC},         // the program did not halt within tb_max_cycles",
           f"    output reg [31:0] tb_cycles {PUBLIC},   // cycles the program ran",
           f"    output reg tb_halted {PUBLIC},          // the core's halted and trapped at the end of the run",
           f"    output reg tb_trapped {PUBLIC}",
           ");"]
    # The clock is generated here, not by cocotb: a clock driven through VPI costs ~7 us per
    # cycle in cocotb's Verilator loop, a Verilog one (built with --timing) a fraction of that.
    out += ["    reg clk;", "    initial clk = 1'b0;", f"    always #{CLOCK_NS // 2} clk = ~clk;"]
    for name, w in widths.items():
        if name == "clk":
            continue
        kind = "reg" if name in DESIGN_INPUTS else "wire"
        rng = f"[{w - 1}:0] " if w > 1 else ""
        out.append(f"    {kind} {rng}{name};")
    out.append(f"    {TOP_NAME} dut (" + ", ".join(f".{n}({n})" for n in widths) + ");")
    out += decls
    out.append(f"    wire [{layout.width - 1}:0] trace_record = {{" + ", ".join(parts) + "};")
    out += [
        f"    reg [31:0] text_buf [0:{2 ** aw_i - 1}];",
        f"    reg [31:0] data_buf [0:{2 ** aw_d - 1}];",
        f"    reg [2:0] dump_sel [0:{n_dump - 1}];",
        f"    reg [15:0] dump_idx [0:{n_dump - 1}];",
        "    integer fd_trace, fd_state, fd_obs, k;",
        "    initial begin",
        f'        fd_trace = $fopen("{TRACE_FILE}", "w");',
        f'        fd_obs = $fopen("{OBS_FILE}", "w");',
        f'        fd_state = $fopen("{STATE_FILE}", "w");',
    ]
    base = 0
    for name, sel, idx in sections:
        if idx == list(range(len(idx))):
            out.append(f"        for (k = 0; k < {len(idx)}; k = k + 1) begin dump_sel[{base} + k] = {sel}; "
                       f"dump_idx[{base} + k] = k[15:0]; end  // {name}")
        else:
            for j, v in enumerate(idx):
                out.append(f"        dump_sel[{base + j}] = {sel}; dump_idx[{base + j}] = {v};  // {name}")
        base += len(idx)
    out += [
        "    end",
        "    localparam S_IDLE = 0, S_TEXT = 1, S_DATA = 2, S_GAP = 3, S_RUN = 4, S_TAIL = 5, S_DUMP = 6;",
        "    reg [2:0] st;",
        "    reg req_seen;",
        "    reg [31:0] i;",
        f"    wire [{obs.width - 1}:0] obs_record = {{i[{OBS_CYCLE_BITS - 1}:0], "
        + ", ".join(f"obs_{n}" for n in OBS_PORTS) + "};",
        "    wire obs_event = " + " || ".join(f"(obs_{n} != 0)" for n in OBS_EVENTS) + ";",
        "    initial begin st = S_IDLE; req_seen = 1'b0; i = 0; rst = 1'b1; host_imem_we = 1'b0; host_dmem_we = 1'b0;",
        "        tb_done = 1'b0; tb_timeout = 1'b0; tb_cycles = 0; tb_halted = 1'b0; tb_trapped = 1'b0; end",
        "    always @(*) begin dbg_sel = dump_sel[i]; dbg_idx = dump_idx[i]; end",
        "    always @(posedge clk) begin",
        "        if (rvfi_valid) $fwrite(fd_trace, \"%h\\n\", trace_record);",
        "        if (st == S_RUN && obs_event) $fwrite(fd_obs, \"%h\\n\", obs_record);",
        "        tb_done <= 1'b0;",
        "        host_imem_we <= 1'b0;",
        "        host_dmem_we <= 1'b0;",
        "        case (st)",
        "        S_IDLE: begin",
        "            rst <= 1'b1;",
        "            i <= 0;",
        "            if (tb_req != req_seen) begin",
        "                req_seen <= tb_req;",
        f'                if (tb_text_words != 0) $readmemh("{TEXT_FILE}", text_buf, 0, tb_text_words - 1);',
        f'                if (tb_data_words != 0) $readmemh("{DATA_FILE}", data_buf, 0, tb_data_words - 1);',
        "                tb_timeout <= 1'b0;",
        "                st <= S_TEXT;",
        "            end",
        "        end",
        "        S_TEXT: if (i < tb_text_words) begin",
        f"                host_imem_we <= 1'b1; host_imem_addr <= i[{aw_i - 1}:0]; host_imem_wdata <= text_buf[i];",
        "                i <= i + 1;",
        "            end else begin i <= 0; st <= S_DATA; end",
        "        S_DATA: if (i < tb_dmem_words) begin",
        f"                host_dmem_we <= 1'b1; host_dmem_addr <= i[{aw_d - 1}:0];",
        "                host_dmem_wdata <= i < tb_data_words ? data_buf[i] : 32'd0;",
        "                i <= i + 1;",
        "            end else begin i <= 0; st <= S_GAP; end",
        "        S_GAP: begin rst <= 1'b0; st <= S_RUN; end",
        "        S_RUN: begin",
        "            if (halted) begin i <= 0; tb_cycles <= i; st <= S_TAIL; end",
        "            else if (i >= tb_max_cycles) begin i <= 0; tb_cycles <= i; tb_timeout <= 1'b1; st <= S_TAIL; end",
        "            else i <= i + 1;",
        "        end",
        "        S_TAIL: if (i == 1) begin",
        "                i <= 0; tb_halted <= halted; tb_trapped <= trapped; st <= S_DUMP;",
        "            end else i <= i + 1;",
        "        S_DUMP: begin",
        "            $fwrite(fd_state, \"%h\\n\", dbg_rdata);",
        f"            if (i == {n_dump - 1}) begin",
        "                $fflush(fd_trace); $fflush(fd_state); $fflush(fd_obs);",
        "                i <= 0; tb_done <= 1'b1; st <= S_IDLE;",
        "            end else i <= i + 1;",
        "        end",
        "        default: st <= S_IDLE;",
        "        endcase",
        "    end",
        "endmodule",
        "/* verilator coverage_on */",
        ""]
    return "\n".join(out)


def write_tb(spec: Spec, config: Config, outdir: Path) -> Path:
    """Write outdir/lpu_tb.v unless it already holds this text (keeps the build's timestamps)."""
    path = Path(outdir) / f"{TB_NAME}.v"
    text = render(spec, config)
    if not (path.exists() and path.read_text() == text):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text)
        os.replace(tmp, path)   # atomic: parallel builds of other flavours may read it
    return path
