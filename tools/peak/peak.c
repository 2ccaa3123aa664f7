/* The clock and FMA throughput of one x86-64 core, for the peak that tools/bench_flash_attention.py derives.
 *
 *   peak [REPEATS]
 *
 * clock: a chain of dependent 64-bit adds (one cycle each on every x86-64 core since the P6) timed with
 * CLOCK_MONOTONIC; FMA: 12 independent chains of 512-bit (-DHAVE_AVX512) or 256-bit FMAs, enough to cover
 * the FMA latency on every unit. Each figure is the best of REPEATS short runs (about 2 ms each, so that
 * some run within one scheduler time slice when other processes share the core: load only slows a run).
 * Then the same FMA chains on every online CPU at once (pthreads): their summed rate over one core's is the
 * parallel capacity the machine gives right now (a VM's vCPUs may share physical cores with other load), the
 * median and the best of 21 tries.
 * Prints: ghz=G fma_gflops=F fma_per_cycle=R lanes=L parallel=MEDIAN parallel_best=BEST cpus=N
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static double clock_ghz(long adds) {
  long x = 0;
  double t0 = now();
  __asm__ volatile("mov %1, %%rcx\n"
                   "1:\n"
                   "add $1, %0\n add $1, %0\n add $1, %0\n add $1, %0\n"
                   "add $1, %0\n add $1, %0\n add $1, %0\n add $1, %0\n"
                   "sub $1, %%rcx\n jnz 1b\n"
                   : "+r"(x)
                   : "r"(adds / 8)
                   : "rcx", "cc");
  return adds / (now() - t0) / 1e9;
}

#ifdef HAVE_AVX512
#define FMA(r) "vfmadd231ps %%zmm14, %%zmm15, %%zmm" #r "\n"
#define ZERO "vxorps %%xmm0, %%xmm0, %%xmm0\n vmovaps %%zmm0, %%zmm14\n vmovaps %%zmm0, %%zmm15\n"
#define LANES 16
#else
#define FMA(r) "vfmadd231ps %%ymm14, %%ymm15, %%ymm" #r "\n"
#define ZERO "vxorps %%xmm0, %%xmm0, %%xmm0\n vmovaps %%ymm0, %%ymm14\n vmovaps %%ymm0, %%ymm15\n"
#define LANES 8
#endif

/* FMAs per second (each LANES wide) */
static double fma_rate(long iters) {
  double t0 = now();
  __asm__ volatile(ZERO "mov %0, %%rcx\n"
                   "2:\n" FMA(0) FMA(1) FMA(2) FMA(3) FMA(4) FMA(5) FMA(6) FMA(7) FMA(8) FMA(9) FMA(10) FMA(11)
                   "sub $1, %%rcx\n jnz 2b\n"
                   :
                   : "r"(iters)
                   : "rcx", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
                     "xmm10", "xmm11", "xmm14", "xmm15");
  return iters * 12.0 / (now() - t0);
}

static void *fma_thread(void *out) {
  *(double *)out = fma_rate(2000000L); /* about 10 ms: long enough for the threads to overlap */
  return NULL;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The summed FMA rate of `n` threads running at once over the best single-thread rate: the median and the
 * best of 21 tries. */
static void parallel_capacity(int n, double single, double *median, double *best) {
  pthread_t t[64];
  double rates[64] = {0}, sums[21];
  for (int r = 0; r < 21; r++) {
    for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, fma_thread, &rates[i]);
    double sum = 0;
    for (int i = 0; i < n; i++) {
      pthread_join(t[i], NULL);
      sum += rates[i];
    }
    sums[r] = sum / single;
  }
  qsort(sums, 21, sizeof sums[0], by_value);
  *median = sums[10];
  *best = sums[20];
}

int main(int argc, char **argv) {
  int repeats = argc > 1 ? atoi(argv[1]) : 50;
  double ghz = 0, rate = 0;
  for (int r = 0; r < repeats; r++) {
    double g = clock_ghz(6000000L), f = fma_rate(500000L);
    if (g > ghz) ghz = g;
    if (f > rate) rate = f;
  }
  int cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus < 1) cpus = 1;
  if (cpus > 64) cpus = 64;
  double single = 0;
  for (int r = 0; r < 20; r++) {
    double f = fma_rate(2000000L);
    if (f > single) single = f;
  }
  double median, best;
  parallel_capacity(cpus, single, &median, &best);
  printf("ghz=%.3f fma_gflops=%.1f fma_per_cycle=%.2f lanes=%d parallel=%.2f parallel_best=%.2f cpus=%d\n", ghz,
         rate * LANES * 2 / 1e9, rate / (ghz * 1e9), LANES, median, best, cpus);
  return 0;
}
