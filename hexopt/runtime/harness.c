/* hexopt's device-side test harness (the role of the reference's generated wrapper).
 *
 *   harness SPEC
 *
 * SPEC is a text file, one directive per line, arguments in the kernel's order:
 *   kernel NAME                       name shown in Test_Info
 *   iterations N                      timed runs of the whole grid (default 1)
 *   grid X Y Z                        num_programs x/y/z (default 1 1 1)
 *   threads N                         async runtime workers (default: runtime's default)
 *   memref DTYPE RANK D0 .. Dn IN OUT a tensor argument; IN/OUT are raw little-endian files or '-'
 *   scalar VALUE                      an integer scalar argument (i1 to i64)
 *   scalarf VALUE                     a float scalar argument (f32 or f64)
 *   check ARG EXPECTED RTOL ATOL      compare memref argument #ARG (0-based) with a raw f32 file
 *
 * Each run calls the kernel once per program id (x fastest), with the six trailing ints
 * num_programs x/y/z, program_id x/y/z. Outputs are written after the last run. It prints a
 * `hexopt:` line with measurements, then the reference's Test_Info block. Exit status: 0 pass,
 * 1 check failed, 2 usage or I/O error.
 */
#include "harness.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "async_runtime.h"

#define MAX_ARGS 64
#define MAX_RANK 8

typedef struct {
  char dtype[16];
  int rank;
  long dims[MAX_RANK];
  size_t elem_bytes, count;
  char in[1024], out[1024];
  void *data;
} memref_spec;

static hx_arg args[MAX_ARGS];

/* A buffer followed by an inaccessible page: a kernel that reads or writes past its argument dies with
 * SIGSEGV instead of silently corrupting the harness's memory. The start is 128-byte aligned (HVX loads
 * may assume it) and the guard page starts at the end of the last whole 128-byte block, because word- and
 * vector-wide accesses (musl's memcpy, an HVX load) may touch the rest of the block they start in. */
static void *guarded_alloc(size_t bytes) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t span = (bytes + 128 + page - 1) / page * page;
  unsigned char *base = mmap(NULL, span + 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED)
    return NULL;
  if (mprotect(base, page, PROT_NONE) || mprotect(base + page + span, page, PROT_NONE))
    return NULL;
  return (void *)((uintptr_t)(base + page + span - bytes) & ~(uintptr_t)127);
}
static memref_spec mspec[MAX_ARGS];

static void fail(const char *what, const char *detail) {
  fprintf(stderr, "harness: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  exit(2);
}

static size_t dtype_bytes(const char *t) {
  if (!strcmp(t, "f32") || !strcmp(t, "i32"))
    return 4;
  if (!strcmp(t, "f16") || !strcmp(t, "bf16") || !strcmp(t, "i16"))
    return 2;
  if (!strcmp(t, "i8"))
    return 1;
  if (!strcmp(t, "f64") || !strcmp(t, "i64"))
    return 8;
  fail("unknown dtype", t);
  return 0;
}

/* Raw read/write system calls, not stdio: musl's fwrite copies a short buffer into the FILE's buffer with a
 * memcpy that reads whole words past the end of the data (into the guard page after an output of 24 int32). */
static void read_file(const char *path, void *buf, size_t n) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    fail("cannot open", path);
  for (size_t done = 0; done < n;) {
    ssize_t got = read(fd, (char *)buf + done, n - done);
    if (got <= 0)
      fail("file shorter than the tensor", path);
    done += (size_t)got;
  }
  close(fd);
}

static void write_file(const char *path, const void *buf, size_t n) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    fail("cannot write", path);
  for (size_t done = 0; done < n;) {
    ssize_t put = write(fd, (const char *)buf + done, n - done);
    if (put <= 0)
      fail("cannot write", path);
    done += (size_t)put;
  }
  close(fd);
}

/* A ranked descriptor for a dense row-major buffer; the layout follows the index width. */
static void *make_descriptor(void *data, int rank, const long *dims) {
  size_t words = 3 + 2 * (size_t)rank;
  hx_index *d = calloc(words + 2, sizeof(hx_index) > sizeof(void *) ? sizeof(hx_index) : sizeof(void *));
  void **ptrs = (void **)d;
  ptrs[0] = data;
  ptrs[1] = data;
  hx_index *rest = (hx_index *)(ptrs + 2);
  rest[0] = 0;
  hx_index stride = 1;
  for (int i = rank - 1; i >= 0; i--) {
    rest[1 + i] = (hx_index)dims[i];
    rest[1 + rank + i] = stride;
    stride *= (hx_index)dims[i];
  }
  return d;
}

/* memrefCopy: what finalize-memref-to-llvm calls for a memref.copy between non-contiguous layouts
 * (e.g. a masked Triton store into a subview). The host JIT gets it from MLIR's C runner utils; here
 * is the same contract for the device: index-width elem_size, unranked descriptors {rank, desc *}, with
 * the index of the kernel's body (which builds them), not of its arguments. */
typedef struct {
  hx_body_index rank;
  void *desc;
} hx_unranked;

void memrefCopy(hx_body_index elem_size, const hx_unranked *src, const hx_unranked *dst) {
  int rank = (int)src->rank;
  char *s_base = ((char **)src->desc)[1], *d_base = ((char **)dst->desc)[1];
  const hx_body_index *s = (const hx_body_index *)((void **)src->desc + 2), *d = (const hx_body_index *)((void **)dst->desc + 2);
  const hx_body_index *sizes = s + 1, *s_str = s + 1 + rank, *d_str = d + 1 + rank;
  hx_body_index idx[MAX_RANK] = {0};
  for (int i = 0; i < rank; i++)
    if (sizes[i] == 0)
      return;
  for (;;) {
    hx_body_index so = s[0], doff = d[0];
    for (int i = 0; i < rank; i++) {
      so += idx[i] * s_str[i];
      doff += idx[i] * d_str[i];
    }
    memcpy(d_base + (size_t)doff * elem_size, s_base + (size_t)so * elem_size, (size_t)elem_size);
    int i = rank - 1;
    while (i >= 0 && ++idx[i] == sizes[i])
      idx[i--] = 0;
    if (i < 0)
      return;
  }
}

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv) {
  if (argc != 2)
    fail("usage", "harness SPEC");
  FILE *spec = fopen(argv[1], "r");
  if (!spec)
    fail("cannot open spec", argv[1]);
  char name[256] = "kernel";
  int iterations = 1, nargs = 0, threads = 0;
  int32_t grid[6] = {1, 1, 1, 0, 0, 0};
  int check_arg[MAX_ARGS], ncheck = 0;
  char check_file[MAX_ARGS][1024];
  double check_rtol[MAX_ARGS], check_atol[MAX_ARGS];
  char word[64];
  while (fscanf(spec, "%63s", word) == 1) {
    if (!strcmp(word, "kernel")) {
      if (fscanf(spec, "%255s", name) != 1)
        fail("bad kernel line", NULL);
    } else if (!strcmp(word, "iterations")) {
      if (fscanf(spec, "%d", &iterations) != 1 || iterations < 1)
        fail("bad iterations line", NULL);
    } else if (!strcmp(word, "grid")) {
      if (fscanf(spec, "%d %d %d", &grid[0], &grid[1], &grid[2]) != 3)
        fail("bad grid line", NULL);
    } else if (!strcmp(word, "threads")) {
      if (fscanf(spec, "%d", &threads) != 1)
        fail("bad threads line", NULL);
    } else if (!strcmp(word, "memref")) {
      if (nargs == MAX_ARGS)
        fail("too many arguments", NULL);
      memref_spec *m = &mspec[nargs];
      if (fscanf(spec, "%15s %d", m->dtype, &m->rank) != 2 || m->rank < 0 || m->rank > MAX_RANK)
        fail("bad memref line", NULL);
      m->elem_bytes = dtype_bytes(m->dtype);
      m->count = 1;
      for (int i = 0; i < m->rank; i++) {
        if (fscanf(spec, "%ld", &m->dims[i]) != 1 || m->dims[i] < 0)
          fail("bad memref dims", NULL);
        m->count *= (size_t)m->dims[i];
      }
      if (fscanf(spec, "%1023s %1023s", m->in, m->out) != 2)
        fail("bad memref files", NULL);
      size_t bytes = m->count * m->elem_bytes;
      m->data = guarded_alloc((bytes + 127) & ~(size_t)127);
      if (!m->data)
        fail("out of memory", NULL);
      memset(m->data, 0, bytes);
      if (strcmp(m->in, "-"))
        read_file(m->in, m->data, m->count * m->elem_bytes);
      args[nargs].is_memref = 1;
      args[nargs].rank = m->rank;
      args[nargs].desc = make_descriptor(m->data, m->rank, m->dims);
      nargs++;
    } else if (!strcmp(word, "scalar") || !strcmp(word, "scalarf")) {
      if (nargs == MAX_ARGS)
        fail("too many arguments", NULL);
      args[nargs].is_memref = 0;
      if (!strcmp(word, "scalar")) {
        long long v;
        if (fscanf(spec, "%lld", &v) != 1)
          fail("bad scalar line", NULL);
        args[nargs].i64 = v;
        args[nargs].f64 = (double)v;
      } else {
        double v;
        if (fscanf(spec, "%lf", &v) != 1)
          fail("bad scalarf line", NULL);
        args[nargs].f64 = v;
        args[nargs].i64 = (long long)v;
      }
      args[nargs].i32 = (int32_t)args[nargs].i64;
      args[nargs].f32 = (float)args[nargs].f64;
      nargs++;
    } else if (!strcmp(word, "check")) {
      if (ncheck == MAX_ARGS || fscanf(spec, "%d %1023s %lf %lf", &check_arg[ncheck], check_file[ncheck],
                                      &check_rtol[ncheck], &check_atol[ncheck]) != 4)
        fail("bad check line", NULL);
      ncheck++;
    } else {
      fail("unknown spec directive", word);
    }
  }
  fclose(spec);
  if (nargs != hexopt_kernel_nargs) {
    fprintf(stderr, "harness: the spec gives %d arguments, %s takes %d (before the six grid ints)\n", nargs,
            hexopt_kernel_symbol, hexopt_kernel_nargs);
    return 2;
  }
  if (threads > 0)
    hexoptAsyncRuntimeSetNumThreads(threads);

  double total = 0;
  for (int it = 0; it < iterations; it++) {
    double t0 = now_us();
    for (int z = 0; z < grid[2]; z++)
      for (int y = 0; y < grid[1]; y++)
        for (int x = 0; x < grid[0]; x++) {
          int32_t g[6] = {grid[0], grid[1], grid[2], x, y, z};
          hexopt_call_kernel(args, g);
        }
    total += now_us() - t0;
  }
  for (int i = 0; i < nargs; i++)
    if (args[i].is_memref && strcmp(mspec[i].out, "-"))
      write_file(mspec[i].out, mspec[i].data, mspec[i].count * mspec[i].elem_bytes);

  int pass = 1;
  double max_abs = 0;
  long mismatches = 0;
  for (int c = 0; c < ncheck; c++) {
    int a = check_arg[c];
    if (a < 0 || a >= nargs || !args[a].is_memref || strcmp(mspec[a].dtype, "f32"))
      fail("check needs an f32 memref argument", NULL);
    float *want = malloc(mspec[a].count * 4);
    read_file(check_file[c], want, mspec[a].count * 4);
    const float *got = mspec[a].data;
    for (size_t i = 0; i < mspec[a].count; i++) {
      double err = fabs((double)got[i] - (double)want[i]);
      if (!(err <= check_atol[c] + check_rtol[c] * fabs((double)want[i])))
        mismatches++;
      if (err > max_abs || err != err)
        max_abs = err;
    }
    free(want);
  }
  if (mismatches)
    pass = 0;
  double avg = total / iterations;
  hexoptAsyncRuntimeQuiesce(); /* the counters below include the tasks that are still finishing */
  printf("hexopt: kernel=%s runs=%d programs=%d avg_us=%.1f total_us=%.1f async_tasks=%lld threads_used=%d"
         " live_async_objects=%lld max_abs_err=%.3g mismatches=%ld\n",
         hexopt_kernel_symbol, iterations, grid[0] * grid[1] * grid[2], avg, total,
         (long long)hexoptAsyncRuntimeTasksRun(), hexoptAsyncRuntimeThreadsUsed(),
         (long long)hexoptAsyncRuntimeLiveObjects(), max_abs, mismatches);
  printf("Test_Info: {\n        Name:%s\n        Result:%s\n        Perf: %.0f\n        Units:us\n}\n", name,
         pass ? "Pass" : "Fail", avg);
  return pass ? 0 : 1;
}
