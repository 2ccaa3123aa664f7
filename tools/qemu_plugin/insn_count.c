/* A qemu 7.2 TCG plugin that counts the guest instructions qemu executes (qemu's per-translation-block
 * instruction units; the Hexagon front end translates one VLIW packet per unit, so on Hexagon this counts
 * packets). Built for the host by tools/bench_flash_attention.py:
 *     gcc -shared -fPIC -O2 -o libinsn_count.so insn_count.c
 *     qemu-hexagon -plugin ./libinsn_count.so -d plugin prog    # prints "hexopt-insn-count: ..." on stderr
 *
 * Debian's qemu-user ships no plugins and no qemu-plugin.h, so the few entry points used here are declared
 * by hand (plugin API version 1, qemu 7.2). The counter is updated atomically because the async runtime runs
 * several guest threads.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_info_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };

extern void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
                                                  void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb *));
extern void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, void (*cb)(unsigned int, void *),
                                                 enum qemu_plugin_cb_flags flags, void *userdata);
extern size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
extern void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, void (*cb)(qemu_plugin_id_t, void *),
                                           void *userdata);
extern void qemu_plugin_outs(const char *string);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t executed_insns, executed_tbs;

static void on_tb_exec(unsigned int vcpu, void *n_insns) {
  (void)vcpu;
  __atomic_fetch_add(&executed_insns, (uint64_t)(uintptr_t)n_insns, __ATOMIC_RELAXED);
  __atomic_fetch_add(&executed_tbs, 1, __ATOMIC_RELAXED);
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  /* The block's size is known at translation time: pass it as the callback's user data. */
  qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb_exec, QEMU_PLUGIN_CB_NO_REGS,
                                       (void *)(uintptr_t)qemu_plugin_tb_n_insns(tb));
}

static void on_exit(qemu_plugin_id_t id, void *userdata) {
  (void)id;
  (void)userdata;
  char line[128];
  snprintf(line, sizeof line, "hexopt-insn-count: insns=%llu tbs=%llu\n", (unsigned long long)executed_insns,
           (unsigned long long)executed_tbs);
  qemu_plugin_outs(line);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info,
                                                               int argc, char **argv) {
  (void)info;
  (void)argc;
  (void)argv;
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
  qemu_plugin_register_atexit_cb(id, on_exit, NULL);
  return 0;
}
