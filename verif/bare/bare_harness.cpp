// The bare Verilator harness: the ceiling the pyuvm testbench is measured against.
// It drives lpu_top through the same host ports as the testbench (reset, program and data
// load, run to halt) and counts retirements on the trace port, with no checking at all.
//
// Input file (argv[1]): per program one line "P <text words> <data words> <max cycles>",
// then the text words and the data words, one hex word per line.
// Output (stdout): "programs <n> retired <n> cycles <n> seconds <s>".
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
    unsigned long programs = 0, retired = 0, cycles = 0;
    unsigned long nt, nd, max_cycles;
    auto t0 = std::chrono::steady_clock::now();
    while (std::fscanf(in, " P %lu %lu %lu", &nt, &nd, &max_cycles) == 3) {
        std::vector<uint32_t> text(nt), data(nd);
        for (auto& w : text) std::fscanf(in, " %x", &w);
        for (auto& w : data) std::fscanf(in, " %x", &w);
        top.rst = 1;
        top.host_imem_we = 0;
        top.host_dmem_we = 0;
        tick();
        top.host_imem_we = 1;
        for (unsigned long i = 0; i < nt; ++i) {
            top.host_imem_addr = i;
            top.host_imem_wdata = text[i];
            tick();
        }
        top.host_imem_we = 0;
        top.host_dmem_we = 1;
        for (unsigned long i = 0; i < nd; ++i) {
            top.host_dmem_addr = i;
            top.host_dmem_wdata = data[i];
            tick();
        }
        top.host_dmem_we = 0;
        tick();
        top.rst = 0;
        unsigned long c = 0;
        while (!top.halted && c < max_cycles) {
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
