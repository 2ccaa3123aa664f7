/* A qemu 7.2 TCG plugin that counts how often qemu executes each guest instruction unit, by address.
 * On Hexagon qemu translates one VLIW packet per unit, so this is a per-packet execution profile: the
 * ground truth that hexopt's static cycle model (hexopt/backend/cycles.py) is validated against.
 *
 *     gcc -shared -fPIC -O2 -o libpc_profile.so pc_profile.c
 *     qemu-hexagon -plugin ./libpc_profile.so,out=profile.txt prog ...
 *
 * At exit it writes one line per translated block: "COUNT N ADDR1 ... ADDRN" (hex addresses of the N
 * packets of the block, COUNT executions). A block retranslated at the same address gets a second line;
 * readers add them up. Without out=, nothing is written except a summary on the plugin log (-d plugin).
 *
 * Debian's qemu-user ships no qemu-plugin.h, so the entry points used are declared by hand (plugin API
 * version 1, qemu 7.2), as in insn_count.c. Counters are updated atomically: the async runtime runs
 * several guest threads.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
struct qemu_info_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };

extern void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
                                                  void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb *));
extern void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, void (*cb)(unsigned int, void *),
                                                 enum qemu_plugin_cb_flags flags, void *userdata);
extern size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
extern struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
extern uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
extern void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, void (*cb)(qemu_plugin_id_t, void *),
                                           void *userdata);
extern void qemu_plugin_outs(const char *string);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

typedef struct block {
  struct block *next;
  uint64_t count;
  size_t n;
  uint64_t addr[];
} block;

static block *blocks; /* every translation, newest first; appended under qemu's translation lock */
static char out_path[4096];

static void on_tb_exec(unsigned int vcpu, void *userdata) {
  (void)vcpu;
  __atomic_fetch_add(&((block *)userdata)->count, 1, __ATOMIC_RELAXED);
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  size_t n = qemu_plugin_tb_n_insns(tb);
  block *b = calloc(1, sizeof(block) + n * sizeof(uint64_t));
  if (!b)
    return;
  b->n = n;
  for (size_t i = 0; i < n; i++)
    b->addr[i] = qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb, i));
  b->next = __atomic_load_n(&blocks, __ATOMIC_ACQUIRE);
  while (!__atomic_compare_exchange_n(&blocks, &b->next, b, 0, __ATOMIC_RELEASE, __ATOMIC_ACQUIRE)) {
  }
  qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb_exec, QEMU_PLUGIN_CB_NO_REGS, b);
}

static void on_plugin_exit(qemu_plugin_id_t id, void *userdata) {
  (void)id;
  (void)userdata;
  uint64_t total = 0, translations = 0;
  FILE *f = out_path[0] ? fopen(out_path, "w") : NULL;
  for (block *b = blocks; b; b = b->next) {
    total += b->count * b->n;
    translations++;
    if (f && b->count) {
      fprintf(f, "%llu %zu", (unsigned long long)b->count, b->n);
      for (size_t i = 0; i < b->n; i++)
        fprintf(f, " %llx", (unsigned long long)b->addr[i]);
      fputc('\n', f);
    }
  }
  if (f)
    fclose(f);
  char line[160];
  snprintf(line, sizeof line, "hexopt-pc-profile: insns=%llu translations=%llu\n", (unsigned long long)total,
           (unsigned long long)translations);
  qemu_plugin_outs(line);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info,
                                                               int argc, char **argv) {
  (void)info;
  for (int i = 0; i < argc; i++)
    if (!strncmp(argv[i], "out=", 4))
      snprintf(out_path, sizeof out_path, "%s", argv[i] + 4);
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
  qemu_plugin_register_atexit_cb(id, on_plugin_exit, NULL);
  return 0;
}
