// The bare Verilator harness: the ceiling the pyuvm testbench is measured against.
// It drives lpu_top through the same host ports as the testbench (reset, program and data
// load, run to halt) and counts retirements on the trace port, with no checking at all.
//
// Input file (argv[1]): per program one line "P <text words> <data words> <max cycles>",
// then the text words and the data words, one hex word per line.
// Output (stdout): "programs <n> retired <n> cycles <n> seconds <s>" (seconds: the simulation
// loop only, after the file is read).
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <vector>

#include "Vlpu_top.h"
#include "verilated.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s PROGRAMS_FILE\n", argv[0]);
        return 2;
    }
    std::FILE* in = std::fopen(argv[1], "r");
    if (!in) {
        std::perror(argv[1]);
        return 2;
    }
    VerilatedContext ctx;
    Vlpu_top top{&ctx};
    auto tick = [&]() {
        top.clk = 0;
        top.eval();
        top.clk = 1;
        top.eval();
    };
    struct Program {
        std::vector<uint32_t> text, data;
        unsigned long max_cycles;
    };
    std::vector<Program> progs;  // read before the clock starts: only simulation is timed
    unsigned long nt, nd, max_cycles;
    while (std::fscanf(in, " P %lu %lu %lu", &nt, &nd, &max_cycles) == 3) {
        Program p{std::vector<uint32_t>(nt), std::vector<uint32_t>(nd), max_cycles};
        for (auto& w : p.text) std::fscanf(in, " %x", &w);
        for (auto& w : p.data) std::fscanf(in, " %x", &w);
        progs.push_back(std::move(p));
    }
    unsigned long programs = 0, retired = 0, cycles = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (const Program& p : progs) {
        top.rst = 1;
        top.host_imem_we = 0;
        top.host_dmem_we = 0;
        tick();
        top.host_imem_we = 1;
        for (unsigned long i = 0; i < p.text.size(); ++i) {
            top.host_imem_addr = i;
            top.host_imem_wdata = p.text[i];
            tick();
        }
        top.host_imem_we = 0;
        top.host_dmem_we = 1;
        for (unsigned long i = 0; i < p.data.size(); ++i) {
            top.host_dmem_addr = i;
            top.host_dmem_wdata = p.data[i];
            tick();
        }
        top.host_dmem_we = 0;
        tick();
        top.rst = 0;
        unsigned long c = 0;
        while (!top.halted && c < p.max_cycles) {
            tick();
            retired += top.rvfi_valid;
            ++c;
        }
        for (int i = 0; i < 2; ++i) {  // the last trace record, as the testbench waits for it
            tick();
            retired += top.rvfi_valid;
        }
        cycles += c;
        ++programs;
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("programs %lu retired %lu cycles %lu seconds %.6f\n", programs, retired, cycles, s);
    return 0;
}
